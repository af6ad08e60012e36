/** IP address and CIDR parsing and printing, as Go's {@code net} package prints them. */
package dev.berth.proxy.net;
