package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import java.net.http.HttpResponse;

/**
 * How a DBA service account acts on approvals, and how what it gave then stops standing: through
 * the API with its key, which an administrator revokes; or in the web console, signed in with that
 * key, from which it signs out. Either way its votes and grants lapse, with the evidence saying why.
 */
enum ApproverStanding {

    KEY_REVOKED("the key it was %s with is no longer active") {
        @Override
        Approver signIn(TestGateway gateway, GatewayApi api, JsonNode account) {
            String secret = account.path("secret").asText();
            return new Approver((path, json) -> api.call(secret, "POST", path, json), () -> api.revokeKey(account));
        }
    },
    CONSOLE_SIGNED_OUT("the console session it was %s in no longer stands: the console session has signed out or ended") {
        @Override
        Approver signIn(TestGateway gateway, GatewayApi api, JsonNode account) throws Exception {
            ConsoleBrowser console = ConsoleBrowser.signIn(gateway, account.path("secret").asText());
            return new Approver(console::post, console::signOut);
        }
    };

    private final String why;

    ApproverStanding(String why) {
        this.why = why;
    }

    /** The start of the evidence's reason, for a vote ("cast") or a grant ("given"). */
    String why(String given) {
        return why.formatted(given);
    }

    abstract Approver signIn(TestGateway gateway, GatewayApi api, JsonNode account) throws Exception;

    /** An approver signed in one way: what they post to the API, and how their standing ends. */
    record Approver(Post post, Ending end) {

        HttpResponse<String> decide(String id, String decision, String json) throws Exception {
            return post.send("/api/approvals/" + id + "/" + decision, json);
        }
    }

    @FunctionalInterface
    interface Post {
        HttpResponse<String> send(String path, String json) throws Exception;
    }

    @FunctionalInterface
    interface Ending {
        void run() throws Exception;
    }
}
