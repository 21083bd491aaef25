package io.nexaflow.webhook;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Path;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Turns a path of a call into the verb JSON Nexafone runs, with a signed callback URL on its gather. */
@ApplicationScoped
public class CallbackUrls {

    public static final String PATH = "/api/handle-dtmf";

    private final String base;
    private final StateTokens tokens;

    public CallbackUrls(NexaflowConfig config, StateTokens tokens) {
        String publicUrl = config.publicUrl();
        this.base = (publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl)
                + PATH + "?s=";
        this.tokens = tokens;
    }

    public String url(StateToken token) {
        return base + tokens.sign(token);
    }

    /** The verb for a path of call {@code call} running {@code revision}; channelId may be null. */
    public String verb(FlowProgram program, UUID call, UUID revision, Path path, String channelId) {
        String callback = path.gather() == null ? null
                : url(new StateToken(call, revision, path.gather(), path.attempts()));
        return program.render(path, callback, channelId);
    }
}
