package dev.berth.linux;

/** A system call returned -1; carries the call, its arguments in the operation text, and errno. */
public final class SyscallException extends LinuxException {
    public SyscallException(String operation, int errno) {
        super(operation, errno, null);
    }
}
