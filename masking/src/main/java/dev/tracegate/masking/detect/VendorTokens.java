package dev.tracegate.masking.detect;

/**
 * Keys and tokens that a vendor issues with a documented prefix, the credentials an AI agent or a CI
 * job handles every day: OpenAI and Anthropic {@code sk-...}, GitLab {@code glpat-...}, npm, PyPI,
 * Hugging Face, SendGrid, Twilio, Google OAuth {@code ya29.}, DigitalOcean, Shopify, Databricks,
 * Heroku, Mailgun, Square, Doppler, Vault, Atlassian and more, plus webhook URLs whose path is the
 * credential (Slack, Discord, Microsoft Teams).
 *
 * <p>A prefix alone is a word like any other ({@code sk-learn}, {@code key-value}, {@code hf_hub}), so
 * each shape also fixes the body's alphabet and length, and asks for the mix of character classes a
 * random key has: a placeholder such as {@code glpat-xxxxxxxxxxxxxxxxxxxx} or a hyphenated name is
 * no key. Shapes are looked up by the first two characters, so a word that starts with none of
 * them costs one array load; a body is read at most 512 characters far, so a text of repeated
 * prefixes costs linear time.
 */
final class VendorTokens {

    /** Which characters a key's body is made of. */
    private enum Body {
        ALNUM, HEX, URL_SAFE, URL_SAFE_DOTS, BASE64;

        boolean accepts(char c) {
            return switch (this) {
                case ALNUM -> Chars.isAsciiAlnum(c);
                case HEX -> Chars.isHexDigit(c);
                case URL_SAFE -> Chars.isAsciiAlnum(c) || c == '_' || c == '-';
                case URL_SAFE_DOTS -> Chars.isAsciiAlnum(c) || c == '_' || c == '-' || c == '.';
                case BASE64 -> Chars.isAsciiAlnum(c) || c == '_' || c == '-' || c == '+' || c == '/' || c == '=';
            };
        }
    }

    /**
     * A prefix, then {@code min..max} characters of {@code body} holding at least {@code classes} of
     * upper case, lower case and digits.
     */
    private record Shape(String prefix, int min, int max, Body body, int classes) {
    }

    private static final Shape[] SHAPES = {
        // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-), Anthropic (sk-ant-api03-), DeepSeek and others
        new Shape("sk-", 20, 300, Body.URL_SAFE, 3),
        // GitLab: personal, deploy, runner, pipeline trigger, CI/CD job, feed, OAuth, agent tokens
        new Shape("glpat-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("gldt-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glrt-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glrtr-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glptt-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glcbt-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glft-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glimt-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("gloas-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glsoat-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glagent-", 20, 255, Body.URL_SAFE_DOTS, 2),
        new Shape("glffct-", 20, 255, Body.URL_SAFE_DOTS, 2),
        // Grafana service account and Cloud tokens
        new Shape("glsa_", 32, 80, Body.URL_SAFE, 2),
        new Shape("glc_", 32, 400, Body.BASE64, 2),
        new Shape("npm_", 36, 36, Body.ALNUM, 2),
        new Shape("pypi-Ag", 50, 400, Body.URL_SAFE, 2),
        new Shape("hf_", 30, 40, Body.ALNUM, 2),
        new Shape("api_org_", 30, 40, Body.ALNUM, 2),
        new Shape("xapp-", 30, 255, Body.URL_SAFE, 2),
        new Shape("xoxe.xox", 30, 300, Body.URL_SAFE_DOTS, 2),
        new Shape("xoxe-", 30, 300, Body.URL_SAFE, 2),
        // SendGrid: SG.<22>.<43>
        new Shape("SG.", 60, 70, Body.URL_SAFE_DOTS, 2),
        // Twilio API key sid
        new Shape("SK", 32, 32, Body.HEX, 2),
        // Google OAuth access and refresh tokens, OAuth client secrets
        new Shape("ya29.", 20, 512, Body.URL_SAFE_DOTS, 2),
        new Shape("1//0", 40, 512, Body.URL_SAFE, 2),
        new Shape("GOCSPX-", 24, 40, Body.URL_SAFE, 2),
        new Shape("dop_v1_", 64, 64, Body.HEX, 2),
        new Shape("doo_v1_", 64, 64, Body.HEX, 2),
        new Shape("dor_v1_", 64, 64, Body.HEX, 2),
        new Shape("shpat_", 32, 32, Body.HEX, 2),
        new Shape("shpss_", 32, 32, Body.HEX, 2),
        new Shape("shpca_", 32, 32, Body.HEX, 2),
        new Shape("shppa_", 32, 32, Body.HEX, 2),
        new Shape("dapi", 32, 32, Body.HEX, 2),
        new Shape("HRKU-", 20, 100, Body.URL_SAFE, 2),
        new Shape("key-", 32, 32, Body.HEX, 2),
        new Shape("sq0atp-", 22, 80, Body.URL_SAFE, 2),
        new Shape("sq0csp-", 40, 80, Body.URL_SAFE, 2),
        new Shape("EAAA", 60, 120, Body.URL_SAFE, 3),
        new Shape("dp.pt.", 40, 48, Body.ALNUM, 2),
        new Shape("dp.st.", 40, 80, Body.URL_SAFE_DOTS, 2),
        new Shape("dp.sa.", 40, 48, Body.ALNUM, 2),
        new Shape("dp.ct.", 40, 48, Body.ALNUM, 2),
        new Shape("dp.scim.", 40, 48, Body.ALNUM, 2),
        new Shape("dp.audit.", 40, 48, Body.ALNUM, 2),
        // HashiCorp Vault service, batch and recovery tokens; Terraform Cloud
        new Shape("hvs.", 24, 400, Body.URL_SAFE, 2),
        new Shape("hvb.", 24, 400, Body.URL_SAFE, 2),
        new Shape("hvr.", 24, 400, Body.URL_SAFE, 2),
        new Shape("ATATT3", 100, 400, Body.BASE64, 2),
        new Shape("ATCTT3", 100, 400, Body.BASE64, 2),
        new Shape("whsec_", 24, 100, Body.BASE64, 2),
        new Shape("AGE-SECRET-KEY-1", 50, 70, Body.ALNUM, 2),
        new Shape("PMAK-", 50, 70, Body.URL_SAFE, 2),
        new Shape("lin_api_", 40, 40, Body.ALNUM, 2),
        new Shape("ntn_", 40, 60, Body.ALNUM, 2),
        new Shape("secret_", 43, 43, Body.ALNUM, 3),
        new Shape("NRAK-", 27, 27, Body.ALNUM, 2),
        new Shape("sntrys_", 50, 400, Body.BASE64, 2),
        new Shape("sntryu_", 64, 64, Body.HEX, 2),
        new Shape("sbp_", 40, 40, Body.HEX, 2),
        new Shape("gsk_", 50, 60, Body.ALNUM, 2),
        new Shape("r8_", 37, 40, Body.ALNUM, 2),
        new Shape("pplx-", 40, 60, Body.ALNUM, 2),
        new Shape("xai-", 60, 100, Body.ALNUM, 2),
        new Shape("tvly-", 30, 60, Body.URL_SAFE, 2),
        new Shape("pcsk_", 50, 120, Body.URL_SAFE, 2),
        new Shape("lsv2_pt_", 40, 80, Body.URL_SAFE, 2),
        new Shape("lsv2_sk_", 40, 80, Body.URL_SAFE, 2),
        new Shape("figd_", 40, 60, Body.URL_SAFE, 2),
        new Shape("dckr_pat_", 27, 40, Body.URL_SAFE, 2),
        new Shape("nfp_", 36, 40, Body.ALNUM, 2),
        new Shape("CCIPAT_", 40, 80, Body.URL_SAFE, 2),
        new Shape("bkua_", 40, 40, Body.HEX, 2),
        new Shape("rnd_", 30, 40, Body.ALNUM, 2),
        new Shape("fo1_", 40, 60, Body.URL_SAFE, 2),
        // Dropbox short-lived access token
        new Shape("sl.", 130, 512, Body.URL_SAFE_DOTS, 2),
    };

    /** Hosts and paths after which the rest of a URL is the credential. */
    private static final String[] WEBHOOKS = {
        "hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/",
        "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "webhook.office.com/webhookb2/",
    };
    private static final int MIN_WEBHOOK_PATH = 16;
    private static final int MAX_WEBHOOK_PATH = 400;

    /** Shapes by their prefix's first two characters ({@code c0 << 7 | c1}): a word that starts no prefix costs one load. */
    private static final Shape[][] BY_FIRST_TWO = new Shape[128 * 128][];
    private static final boolean[] FIRST = new boolean[128];
    private static final String[][] WEBHOOKS_BY_FIRST = new String[128][];

    static {
        for (Shape shape : SHAPES) {
            int key = shape.prefix().charAt(0) << 7 | shape.prefix().charAt(1);
            BY_FIRST_TWO[key] = append(BY_FIRST_TWO[key], shape);
            FIRST[shape.prefix().charAt(0)] = true;
        }
        for (String webhook : WEBHOOKS) {
            String[] known = WEBHOOKS_BY_FIRST[webhook.charAt(0)];
            String[] grown = known == null ? new String[1] : java.util.Arrays.copyOf(known, known.length + 1);
            grown[grown.length - 1] = webhook;
            WEBHOOKS_BY_FIRST[webhook.charAt(0)] = grown;
        }
    }

    private static Shape[] append(Shape[] shapes, Shape shape) {
        Shape[] grown = shapes == null ? new Shape[1] : java.util.Arrays.copyOf(shapes, shapes.length + 1);
        grown[grown.length - 1] = shape;
        return grown;
    }

    private VendorTokens() {
    }

    /** Whether some key's prefix starts with the two characters at {@code i}. */
    static boolean prefixStartsAt(CharSequence text, int i) {
        char c = text.charAt(i);
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        return c < 128 && next < 128 && BY_FIRST_TWO[c << 7 | next] != null;
    }

    /** Whether some key or webhook starts with {@code c}: the caller's one-load filter. */
    static boolean mayStartWith(char c) {
        return c < 128 && (FIRST[c] || WEBHOOKS_BY_FIRST[c] != null);
    }

    /**
     * The span of a vendor key or a webhook's credential at {@code i}, packed as {@code start << 32 | end},
     * or -1. A key must start a token; a webhook's span is its path after the fixed part.
     */
    static long at(CharSequence text, int i) {
        char c = text.charAt(i);
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        if (c >= 128 || next >= 128 || !SecretDetector.tokenMayStartAt(text, i)) {
            return -1;
        }
        Shape[] shapes = BY_FIRST_TWO[c << 7 | next];
        if (shapes != null) {
            for (Shape shape : shapes) {
                int end = end(text, i, shape);
                if (end > 0) {
                    return ((long) i << 32) | end;
                }
            }
        }
        String[] webhooks = WEBHOOKS_BY_FIRST[c];
        if (webhooks != null) {
            for (String webhook : webhooks) {
                if (SecretDetector.startsWith(text, i, webhook)) {
                    int start = i + webhook.length();
                    int end = start;
                    while (end < text.length() && end - start < MAX_WEBHOOK_PATH && isWebhookPathChar(text.charAt(end))) {
                        end++;
                    }
                    if (end - start >= MIN_WEBHOOK_PATH) {
                        return ((long) start << 32) | end;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean isWebhookPathChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '/' || c == '_' || c == '-' || c == '@' || c == '.';
    }

    private static int end(CharSequence text, int i, Shape shape) {
        if (!SecretDetector.startsWith(text, i, shape.prefix())) {
            return -1;
        }
        int bodyStart = i + shape.prefix().length();
        int end = bodyStart;
        int n = text.length();
        while (end < n && end - bodyStart <= shape.max() && shape.body().accepts(text.charAt(end))) {
            end++;
        }
        while (end > bodyStart && text.charAt(end - 1) == '.') {
            end--; // a full stop after the key ends the sentence
        }
        if (shape.body() == Body.HEX && end + 1 < n && text.charAt(end) == '-' && Chars.isDigit(text.charAt(end + 1))) {
            end = Chars.digitRunEnd(text, end + 1); // Databricks writes a version after the key: dapi...-2
        }
        int length = end - bodyStart;
        if (length < shape.min() || length > shape.max() + (shape.body() == Body.HEX ? 4 : 0)
                || !SecretDetector.tokenMayEndAt(text, end) || classes(text, bodyStart, end) < shape.classes()) {
            return -1;
        }
        return end;
    }

    /** How many of upper case, lower case and digits occur in the span. */
    static int classes(CharSequence text, int start, int end) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= Chars.isDigit(c);
        }
        return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0);
    }
}
