package io.nexaflow.state;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Turn;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The one renderer of "a call's verb + its signed callback URL", used by originate, callbacks and a flow's
 * dry run alike: signs a state token for the path's gather and renders the path with that URL.
 */
@ApplicationScoped
public class CallbackVerbs {

    public static final String PATH = "/api/handle-dtmf";

    /** Stands in for the token in a dry run's callback URL. */
    static final String UNSIGNED = "(state token)";

    private final String base;
    private final StateTokens tokens;

    public CallbackVerbs(NexaflowConfig config, StateTokens tokens) {
        String publicUrl = config.publicUrl();
        this.base = (publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl)
                + PATH + "?s=";
        this.tokens = tokens;
    }

    /** The callback URL carrying {@code token}, signed. */
    public String signedUrl(StateToken token) {
        return base + tokens.sign(token);
    }

    /** Signs a token for the path's gather (if any) and renders the verb of call {@code call}; channelId may be null. */
    public String signAndRender(FlowProgram program, UUID call, UUID revision, Turn path, String channelId) {
        String callback = path.gather() == null ? null
                : signedUrl(new StateToken(call, revision, path.gather(), path.attempts()));
        return program.render(path, callback, channelId);
    }

    /** As {@link #signAndRender}, for a data-driven call: its numbers and variables go into the token, encrypted. */
    public String signAndRender(FlowProgram program, UUID call, UUID revision, Turn path, String channelId,
                                StateToken.CallData data) {
        String callback = path.gather() == null ? null
                : signedUrl(new StateToken(call, revision, path.gather(), path.attempts(), data));
        return program.render(path, callback, channelId);
    }

    /** The verb of a dry run: the gather's URL shows where a signed token would go; nothing is signed. */
    public String renderUnsigned(FlowProgram program, Turn path) {
        return program.render(path, path.ended() ? null : base + UNSIGNED, null);
    }
}
