package dev.tracegate.gateway;

import dev.tracegate.gateway.engine.ProtocolEngine;

import dev.tracegate.gateway.http.HttpEngine;
import dev.tracegate.gateway.mysql.MysqlEngine;
import dev.tracegate.gateway.postgres.PostgresEngine;
import dev.tracegate.gateway.ssh.SshEngine;
import java.util.List;

/** The protocols this gateway speaks. A new protocol is one more engine here (docs/architecture.md). */
public final class ProtocolEngines {

    private ProtocolEngines() {
    }

    public static List<ProtocolEngine> all() {
        return List.of(new PostgresEngine(), new HttpEngine(), new SshEngine(), new MysqlEngine());
    }
}
