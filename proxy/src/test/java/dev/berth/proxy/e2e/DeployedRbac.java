package dev.berth.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.kube.ApiException;
import dev.berth.kube.testing.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * deploy/proxy's RBAC on the test API server, bound to the script's token user {@code berth-proxy} (standing in for
 * the ServiceAccount), so every test that runs the proxy runs it with exactly the deployed rights.
 */
public final class DeployedRbac implements AutoCloseable {
    public static final Path DEPLOY = ControlPlane.repositoryRoot().resolve("deploy/proxy");
    static final Path RBAC = DEPLOY.resolve("10-rbac.yaml");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final ControlPlane cp;
    private final List<String> created;

    private DeployedRbac(ControlPlane cp, List<String> created) {
        this.cp = cp;
        this.created = created;
    }

    /**
     * Creates the ClusterRole and ClusterRoleBinding; objects that already exist (another test class's grant still
     * in place) are left as they are and not deleted by {@link #close()}.
     */
    public static DeployedRbac grant(ControlPlane cp) throws Exception {
        var created = new ArrayList<String>();
        var rbac = new DeployedRbac(cp, created);
        try {
            for (var doc : documents()) {
                var kind = doc.path("kind").asText();
                if (kind.endsWith("Binding")) {
                    ((ObjectNode) doc).set("subjects",
                            YAML.readTree("[{kind: User, name: berth-proxy, apiGroup: rbac.authorization.k8s.io}]"));
                }
                var path = switch (kind) {
                    case "ClusterRole" -> "/apis/rbac.authorization.k8s.io/v1/clusterroles";
                    case "ClusterRoleBinding" -> "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
                    default -> throw new IllegalStateException("unexpected kind " + kind + " in " + RBAC);
                };
                try {
                    cp.admin.post(path, doc);
                    created.add(path + "/" + doc.path("metadata").path("name").asText());
                } catch (ApiException e) {
                    if (!e.isConflict()) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            rbac.close();
            throw e;
        }
        return rbac;
    }

    /** The documents of deploy/proxy/10-rbac.yaml. */
    static List<JsonNode> documents() throws IOException {
        try (var parser = YAML.createParser(Files.readString(RBAC))) {
            return YAML.readValues(parser, JsonNode.class).readAll();
        }
    }

    @Override
    public void close() throws ApiException {
        for (var path : created.reversed()) {
            try {
                cp.admin.delete(path);
            } catch (ApiException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
        created.clear();
    }
}
