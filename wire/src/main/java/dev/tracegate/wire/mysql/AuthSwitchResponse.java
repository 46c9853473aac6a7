package dev.tracegate.wire.mysql;

/** The client's answer to an AuthSwitchRequest or AuthMoreData: the plugin's bytes, the whole payload. */
public record AuthSwitchResponse(byte[] data) {

    public static AuthSwitchResponse decode(byte[] payload) {
        return new AuthSwitchResponse(payload);
    }

    public byte[] encode() {
        return data;
    }
}
