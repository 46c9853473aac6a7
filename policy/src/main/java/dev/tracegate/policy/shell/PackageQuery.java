package dev.tracegate.policy.shell;

import dev.tracegate.policy.shell.ShellLine.Word;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a package manager's line only asks about packages. It is a query only when its action
 * is one ({@code apt list}, {@code dpkg -L}, {@code rpm -qi}) and every option is one that only
 * reads: the action is found past the options' values, and a query word elsewhere (a package named
 * {@code info}, a value of {@code -t}, a quiet {@code -q}) does not make the line one. Anything
 * else installs, removes or configures software.
 *
 * @param options  the options with which the manager only reads
 * @param actions  the subcommands that query ({@code apt list}); empty for a manager whose action is
 *                 an option ({@code dpkg -l}, {@code rpm -q}), where every option must be from {@code options}
 * @param required for such a manager, the options one of which must be given ({@code rpm}'s
 *                 {@code -i} installs unless {@code -q} is given as well); empty when any of its options queries
 */
record PackageQuery(ProgramOptions options, Set<String> actions, Set<String> required) {

    private static final ProgramOptions APT = new ProgramOptions("qhva", "", "", Set.of("quiet", "help", "version",
            "installed", "upgradable", "all-versions", "full", "names-only", "manual-installed", "recurse"), Set.of());
    private static final Set<String> APT_QUERIES = Set.of("list", "show", "showsrc", "search", "policy", "depends",
            "rdepends", "madison", "changelog", "pkgnames", "showpkg", "stats", "dump", "dumpavail", "unmet", "dotty",
            "xvcg", "why", "why-not", "versions");
    private static final Set<String> YUM_QUERIES = Set.of("list", "info", "search", "provides", "whatprovides",
            "repolist", "deplist", "repoquery", "check-update");
    private static final Map<String, PackageQuery> MANAGERS = Map.ofEntries(
            Map.entry("apt", new PackageQuery(APT, APT_QUERIES, Set.of())),
            Map.entry("apt-get", new PackageQuery(APT, Set.of("changelog"), Set.of())),
            Map.entry("apt-cache", new PackageQuery(APT, APT_QUERIES, Set.of())),
            Map.entry("aptitude", new PackageQuery(APT, APT_QUERIES, Set.of())),
            Map.entry("dpkg", new PackageQuery(new ProgramOptions("lLsSpCV", "", "", Set.of("list", "listfiles", "status", "search",
                    "print-avail", "get-selections", "print-architecture", "print-foreign-architectures", "audit",
                    "verify", "help", "version", "no-pager"), Set.of()), Set.of(), Set.of())),
            Map.entry("rpm", new PackageQuery(new ProgramOptions("qailfcdRsp", "", "", Set.of("query", "all", "info", "list", "file",
                    "configfiles", "docfiles", "requires", "provides", "scripts", "changelog", "whatprovides",
                    "whatrequires", "state", "dump"), Set.of("queryformat", "qf")), Set.of(), Set.of("-q", "--query"))),
            Map.entry("yum", new PackageQuery(new ProgramOptions("qCvh", "", "", Set.of("quiet", "cacheonly", "verbose", "help",
                    "installed", "available", "updates", "all", "showduplicates"), Set.of("enablerepo", "disablerepo",
                    "repo")), YUM_QUERIES, Set.of())),
            Map.entry("zypper", new PackageQuery(new ProgramOptions("qnxh", "", "", Set.of("quiet", "non-interactive", "xmlout",
                    "help", "installed-only"), Set.of()), Set.of("search", "se", "info", "if", "list-updates", "lu",
                    "packages", "pa", "patterns", "pt", "products", "pd", "repos", "lr", "services", "ls",
                    "what-provides", "wp", "list-patches", "lp"), Set.of())),
            Map.entry("apk", new PackageQuery(new ProgramOptions("qvh", "", "", Set.of("quiet", "verbose", "help", "installed",
                    "available", "upgradable"), Set.of()), Set.of("info", "search", "list", "policy", "dot", "stats"),
                    Set.of())),
            Map.entry("snap", new PackageQuery(new ProgramOptions("h", "", "", Set.of("all", "help"), Set.of()),
                    Set.of("list", "info", "find", "search", "version", "services", "connections", "interfaces"), Set.of())),
            Map.entry("flatpak", new PackageQuery(new ProgramOptions("h", "", "", Set.of("help", "app", "runtime", "user", "system"),
                    Set.of("columns")), Set.of("list", "info", "search", "remotes", "remote-ls", "history"), Set.of())));

    PackageQuery {
        actions = Set.copyOf(actions);
        required = Set.copyOf(required);
    }

    /** Whether {@code name} is a package manager this reads. */
    static boolean manager(String name) {
        return MANAGERS.containsKey(name) || name.equals("dnf");
    }

    /** Whether the package manager {@code name} given {@code args} only queries. */
    static boolean queries(String name, List<Word> args) {
        PackageQuery query = MANAGERS.get(name.equals("dnf") ? "yum" : name);
        ProgramOptions.Reading reading = query.options.read(args);
        if (!reading.known()) {
            return false;
        }
        if (!query.actions.isEmpty()) {
            return !reading.operands().isEmpty() && query.actions.contains(reading.operands().getFirst().text());
        }
        return query.required.isEmpty() || args.stream().map(Word::text).anyMatch(query::required);
    }

    /** Whether {@code arg} gives one of the required options, alone or in a cluster ({@code -qa}). */
    private boolean required(String arg) {
        return required.stream().anyMatch(option -> arg.equals(option) || option.length() == 2 && !arg.startsWith("--")
                && arg.startsWith("-") && arg.indexOf(option.charAt(1)) > 0);
    }
}
