package dev.tracegate.policy.shell;

import dev.tracegate.policy.shell.ShellLine.Redirection;
import dev.tracegate.policy.shell.ShellLine.SimpleCommand;
import dev.tracegate.policy.shell.ShellLine.Word;
import dev.tracegate.policy.sql.StatementClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies a shell command line (an SSH {@code exec} request, or a line typed in a shell) for
 * policy rules. Like the SQL classifier it is a security boundary, and conservative: a program it
 * does not know, a line it cannot read ({@link ShellLine}), a program named by an expansion or an
 * unusual path, and a write to a place it cannot tell are all UNKNOWN, as risky as the worst class.
 *
 * <p>Classes, lowest risk first: SESSION ({@code cd}, {@code export}, {@code true}), READ
 * ({@code ls}, {@code cat}, {@code grep}, {@code ps}), WRITE (files outside system directories),
 * BULK_WRITE ({@code rm -r}, {@code find -delete}, {@code truncate}, {@code rsync --delete}), DDL
 * (software and services: package managers, {@code systemctl restart}, {@code kill}), PRIVILEGE
 * (permissions, accounts, writes under {@code /etc} and other system directories, authorized
 * keys, crontabs), DANGEROUS_ADMIN (anything through {@code sudo} or {@code su}, shutting down,
 * disks, the kernel, the firewall, {@code rm -r} of {@code /} or a top-level directory).
 *
 * <p>Names are taken to mean the standard programs: the upstream account's own shell
 * configuration (aliases, functions, {@code PATH}) is the operator's, and trusted.
 */
public final class ShellCommandClassifier {

    private static final int MAX_DEPTH = 4;
    /** How many of a wrapper's words are each read as the program it may run ({@link Verdict#readEachTail}). */
    private static final int MAX_TAILS = 64;
    private static final String HOME = "~";

    private static final Set<String> BIN_DIRECTORIES = Set.of("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/",
            "/usr/local/bin/", "/usr/local/sbin/");
    private static final Set<String> UNSAFE_VARIABLES = Set.of("PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
            "BASH_ENV", "ENV", "IFS", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "GIT_SSH_COMMAND", "GIT_EXEC_PATH",
            "PYTHONPATH", "PERL5OPT", "NODE_OPTIONS",
            // Variables whose value is a command (or options naming one) that a known program runs.
            "LESSOPEN", "LESSCLOSE", "LESS", "PAGER", "GIT_PAGER", "MANPAGER", "EDITOR", "VISUAL", "GIT_EDITOR",
            "SSH_ASKPASS", "GIT_ASKPASS", "SUDO_ASKPASS", "BROWSER", "RSYNC_RSH", "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF",
            "GIT_SSH", "TAR_OPTIONS", "GZIP", "ZIPOPT", "WGETRC", "CURL_HOME",
            // zgrep runs $GREP (eval'd, so GREP='rm -rf' zgrep DIR deletes DIR), wget --use-askpass $WGET_ASKPASS,
            // and a system wgetrc can name one (use_askpass); unzip takes options from UNZIP (-d: where it writes).
            "GREP", "WGET_ASKPASS", "SYSTEM_WGETRC", "UNZIP", "UNZIPOPT",
            // Variables naming files whose content names commands (less's lesskey #env LESSOPEN, git's and
            // other programs' configuration found through HOME) or a program to run, or a library to load.
            "LESSKEY", "LESSKEYIN", "LESSKEY_CONTENT", "LESSKEYIN_SYSTEM", "LESSKEY_SYSTEM", "HOME", "XDG_CONFIG_HOME",
            "SYSTEMD_PAGER", "SYSTEMD_EDITOR", "DPKG_PAGER", "SUDO_EDITOR", "FCEDIT", "MANOPT", "GCONV_PATH",
            // Where cd goes for a relative name (CDPATH=/etc; cd ssh), and where history -w writes.
            "CDPATH", "HISTFILE",
            // Files of options or configuration a read program takes, naming a program or a library to load
            // (rg's --pre, OpenSSL's engines and providers in curl, wget and git), a file it writes (TLS keys).
            "RIPGREP_CONFIG_PATH", "OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES", "SSLKEYLOGFILE", "KRB5_CONFIG",
            "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB", "PYTHONHOME", "PYTHONSTARTUP", "LESSHISTFILE");

    private static final Set<String> SESSION = Set.of("cd", "pushd", "popd", "dirs", "export", "unset", "set", "umask",
            "ulimit", "true", "false", "exit", "logout", "clear", "reset", "history", "sleep", "wait", ":", "shopt", "hash",
            "read", "jobs", "fg", "bg", "disown", "tput");
    private static final Set<String> READ = Set.of("ls", "dir", "vdir", "cat", "tac", "head", "tail", "less", "more",
            "grep", "egrep", "fgrep", "zgrep", "zcat", "rg", "wc", "cut", "tr", "nl", "od", "hexdump", "strings", "stat",
            "file", "du", "df", "ps", "pgrep", "pidof", "top", "htop", "free", "uptime", "uname", "whoami", "id", "groups",
            "who", "w", "last", "lastlog", "pwd", "echo", "printf", "date", "cal", "which", "type", "whereis", "realpath",
            "readlink", "basename", "dirname", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
            "b2sum", "cksum", "diff", "cmp", "comm", "lsblk", "lscpu", "lsof", "lsmod", "lspci", "lsusb", "ss", "netstat",
            "ping", "dig", "nslookup", "host", "getent", "locale", "printenv", "tty", "test", "[", "seq", "yes", "column",
            "jq", "base64", "tree", "nproc", "arch", "vmstat", "iostat", "mpstat", "expr", "fold", "fmt", "paste", "join",
            "rev", "look", "namei", "numfmt", "factor", "users", "logname", "env");
    private static final Set<String> PRIVILEGE_PROGRAMS = Set.of("useradd", "usermod", "userdel", "groupadd",
            "groupmod", "groupdel", "gpasswd", "passwd", "chpasswd", "chsh", "chfn", "adduser", "deluser", "addgroup",
            "delgroup", "visudo", "vipw", "vigr", "ssh-copy-id", "setcap");
    private static final Set<String> PERMISSION_PROGRAMS = Set.of("chmod", "chown", "chgrp", "chattr", "setfacl");
    private static final Set<String> DANGEROUS = Set.of("shutdown", "reboot", "halt", "poweroff", "init", "telinit",
            "mkswap", "fdisk", "sfdisk", "cfdisk", "parted", "gdisk", "sgdisk", "wipefs", "shred", "insmod", "rmmod",
            "modprobe", "iptables", "ip6tables", "iptables-restore", "ip6tables-restore", "nft", "ufw", "firewall-cmd",
            "kexec", "losetup", "cryptsetup", "debugfs", "dmsetup", "mknod", "mount", "umount", "swapon", "swapoff",
            "lvremove", "vgremove", "pvremove", "mdadm", "hdparm", "blkdiscard", "efibootmgr", "grub-install",
            "update-grub", "docker", "podman", "ctr", "crictl");
    private static final Set<String> AS_ANOTHER_USER = Set.of("sudo", "su", "doas", "pkexec", "runuser", "setpriv",
            "chroot", "nsenter", "unshare", "capsh", "sg", "newgrp");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh",
            "tcsh");
    /** Programs that run the program their first operand names, built into them ({@code busybox rm -rf d}). */
    private static final Set<String> MULTI_CALL = Set.of("busybox", "toybox");
    private static final Set<String> RUNS_WHAT_IT_READS = Set.of("python", "python2", "python3", "perl", "ruby", "node",
            "nodejs", "php", "lua", "awk", "gawk", "mawk", "nawk", "sed", "vi", "vim", "nvim", "view", "nano", "emacs", "ed",
            "ex", "make", "ssh", "nc", "ncat", "netcat", "socat", "telnet", "ftp", "sftp", "expect", "script", "screen",
            "tmux", "watch", "gdb", "strace", "ltrace", "eval", "source", ".", "alias", "trap", "busybox", "perf", "at",
            "batch", "systemd-run", "flock", "parallel", "xterm", "man", "psql", "mysql", "sqlite3", "redis-cli",
            "kubectl", "crontab-edit", "env-exec", "tclsh", "wish", "irb", "R", "Rscript", "julia", "java", "jshell",
            "go", "cargo", "npm", "npx", "yarn", "pip", "pip3", "gem", "bundle", "composer");
    /**
     * Programs that, given a terminal, read keystrokes that run commands: a pager's {@code !cmd}
     * and {@code v} (the editor), {@code top}'s and {@code htop}'s {@code k} (kill).
     */
    private static final Set<String> KEYSTROKE_PROGRAMS = Set.of("less", "more", "most", "pg", "top", "htop", "atop",
            "btop");
    /** Programs that, given a terminal, show their output through a pager unless told {@code --no-pager}. */
    private static final Set<String> PAGING_PROGRAMS = Set.of("git", "journalctl", "systemctl", "dpkg", "dpkg-query",
            "apt", "apt-get", "dmesg", "busctl", "loginctl", "timedatectl", "hostnamectl", "coredumpctl");
    /**
     * git's own commands whose behaviour the classifier knows (options that run programs checked
     * apart); any other name is an alias ({@code alias.x='!cmd'}), a {@code git-NAME} program or a
     * command that runs what it is given ({@code bisect run}, {@code submodule foreach}, {@code difftool}).
     */
    private static final Set<String> GIT_COMMANDS = Set.of("add", "am", "annotate", "apply", "archive", "blame",
            "branch", "bundle", "cat-file", "check-attr", "check-ignore", "checkout", "cherry", "cherry-pick", "clean",
            "clone", "commit", "config", "count-objects", "describe", "diff", "diff-files", "diff-index", "diff-tree",
            "fetch", "for-each-ref", "format-patch", "fsck", "gc", "grep", "init", "log", "ls-files", "ls-remote",
            "ls-tree", "merge", "merge-base", "mv", "name-rev", "notes", "prune", "pull", "push", "range-diff", "rebase",
            "reflog", "remote", "repack", "replace", "reset", "restore", "rev-list", "rev-parse", "revert", "rm",
            "shortlog", "show", "show-branch", "show-ref", "sparse-checkout", "stash", "status", "switch",
            "symbolic-ref", "tag", "update-index", "update-ref", "verify-commit", "verify-tag", "version",
            "whatchanged", "worktree");
    /** git's commands that only read the repository and working tree they run in (their {@code --output} apart). */
    private static final Set<String> GIT_READS = Set.of("annotate", "blame", "cat-file", "check-attr", "check-ignore",
            "cherry", "count-objects", "describe", "diff", "diff-files", "diff-index", "diff-tree", "for-each-ref", "grep",
            "log", "ls-files", "ls-remote", "ls-tree", "merge-base", "name-rev", "range-diff", "rev-list", "rev-parse",
            "shortlog", "show", "show-branch", "show-ref", "status", "verify-commit", "verify-tag", "version",
            "whatchanged");
    /** What makes {@code git config} read rather than set. */
    private static final Set<String> GIT_CONFIG_READS = Set.of("--get", "--get-all", "--get-regexp", "--get-urlmatch",
            "-l", "--list", "get", "list", "--get-color", "--get-colorbool");
    /** File names whose content names commands that run later: shells' start-up files, programs' settings. */
    private static final Set<String> RUN_LATER_FILES = Set.of(".bashrc", ".bash_profile", ".bash_login", ".bash_logout",
            ".bash_aliases", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".kshrc", ".mkshrc",
            ".cshrc", ".tcshrc", ".login", ".logout", ".pam_environment", ".gitconfig", ".gitmodules", ".curlrc",
            ".wgetrc", ".lesskey", ".less", ".vimrc", ".exrc", ".gvimrc", ".nanorc", ".gdbinit", ".npmrc", ".pythonrc",
            ".psqlrc", ".my.cnf", ".inputrc", ".screenrc", ".tmux.conf", ".mailcap", ".xinitrc", ".xsession", ".xprofile",
            // bash-completion sources it, a '|command' line pipes mail into a program, lesspipe runs it for every
            // file less opens, sqlite3 runs its .shell lines, sensible-editor runs the editor it names.
            ".bash_completion", ".forward", ".lessfilter", ".sqliterc", ".selected_editor", ".xsessionrc");
    /**
     * Places in a home directory whose files run later (sshd runs {@code ~/.ssh/rc} before every
     * session's command and reads {@code ~/.ssh/environment}, {@code LD_PRELOAD} included, where
     * {@code PermitUserEnvironment} allows; a login shell puts {@code ~/bin} and {@code ~/.local/bin}
     * first on its PATH, so a file there runs for a standard name), a directory where a name ends.
     */
    private static final List<String> RUN_LATER_IN_HOME = List.of(".ssh/rc", ".ssh/environment", "bin/", ".local/bin/",
            ".bashrc.d/", ".local/share/bash-completion/");
    /** A home directory as a written path may name one: {@code ~}, {@code ~NAME}, {@code /root}, {@code /home/NAME}. */
    private static final Pattern HOME_DIRECTORY = Pattern.compile("^(~(/~[^/]*)?|~[^/]+|/root|/home/[^/]+)/");
    /** The suffixes a decompressor takes off the name it writes. */
    private static final Set<String> COMPRESSED_SUFFIXES = Set.of(".gz", ".z", ".bz2", ".xz", ".lzma", ".zst");
    /** Directories under {@code ~/.config} whose files name commands that run later. */
    private static final List<String> RUN_LATER_CONFIG = List.of("git/", "systemd/", "autostart/", "environment.d/",
            "fish/", "lesskey", "nvim/", "vim/", "tmux/", "nano/");
    /** Programs that only run the command after their own options, and the options that take a value. */
    private static final Map<String, Set<String>> WRAPPERS = Map.ofEntries(
            Map.entry("nice", Set.of("-n", "--adjustment")), Map.entry("nohup", Set.of()),
            Map.entry("time", Set.of("-o", "-f", "--output", "--format")), Map.entry("command", Set.of()),
            Map.entry("builtin", Set.of()), Map.entry("stdbuf", Set.of("-i", "-o", "-e")), Map.entry("setsid", Set.of()),
            Map.entry("ionice", Set.of("-c", "-n", "-p")),
            Map.entry("timeout", Set.of("-s", "-k", "--signal", "--kill-after")), Map.entry("exec", Set.of("-a")),
            Map.entry("chronic", Set.of()));
    private static final Set<String> SYSTEMCTL_READ = Set.of("status", "show", "list-units", "list-unit-files",
            "list-timers", "list-sockets", "list-jobs", "is-active", "is-enabled", "is-failed", "is-system-running", "cat",
            "help", "list-dependencies", "get-default", "show-environment", "list-machines");
    private static final ProgramOptions SYSTEMCTL_OPTIONS = new ProgramOptions("halrTqif", "HMtpPsno", "",
            Set.of("help", "version", "system", "user", "failed", "all", "full", "recursive", "reverse",
                    "with-dependencies", "show-transaction", "show-types", "value", "now", "dry-run", "quiet", "wait",
                    "no-block", "no-wall", "no-reload", "no-pager", "no-legend", "no-ask-password", "global", "runtime",
                    "force", "firmware-setup", "plain", "read-only", "mkdir", "marked"),
            Set.of("host", "machine", "type", "state", "property", "job-mode", "check-inhibitors", "kill-whom",
                    "kill-value", "signal", "what", "preset-mode", "root", "image", "image-policy", "lines", "output",
                    "boot-loader-menu", "boot-loader-entry", "reboot-argument", "timestamp", "legend", "message", "when",
                    "drop-in"));
    private static final ProgramOptions UNIQ_OPTIONS = new ProgramOptions("cdDiuz", "fsw", "", Set.of("count",
            "repeated", "all-repeated", "group", "ignore-case", "unique", "zero-terminated", "help", "version"),
            Set.of("skip-fields", "skip-chars", "check-chars"));
    /** ss's options; {@code -K} kills sockets and {@code -D FILE} writes FILE, judged apart. */
    private static final ProgramOptions SS_OPTIONS = new ProgramOptions("hVnraloempTiKsbEZz460tMSudwxHO", "NfADF", "",
            Set.of("help", "version", "numeric", "resolve", "all", "listening", "options", "extended", "memory",
                    "processes", "threads", "info", "tipcinfo", "summary", "tos", "cgroup", "bpf", "events", "context",
                    "contexts", "ipv4", "ipv6", "packet", "tcp", "mptcp", "sctp", "udp", "dccp", "raw", "unix", "tipc",
                    "vsock", "xdp", "kill", "no-header", "oneline", "inet-sockopt"),
            Set.of("net", "family", "query", "socket", "diag", "filter"));
    /** journalctl's options; those that maintain the journal and {@code --cursor-file} (written) are judged apart. */
    private static final ProgramOptions JOURNALCTL_OPTIONS = new ProgramOptions("mrxafqehNkT0123456789", "MDSUcutpgoFI", "bn",
            Set.of("system", "user", "merge", "utc", "catalog", "no-hostname", "no-full", "full", "all", "follow",
                    "no-tail", "quiet", "no-pager", "pager-end", "help", "version", "fields", "list-boots", "disk-usage",
                    "verify", "sync", "relinquish-var", "smart-relinquish-var", "flush", "rotate", "header",
                    "list-catalog", "dump-catalog", "update-catalog", "setup-keys", "force", "show-cursor", "reverse",
                    "dmesg", "boot", "lines", "case-sensitive", "list-namespaces", "truncate-newline",
                    "list-invocations", "invocation"),
            Set.of("machine", "directory", "file", "root", "image", "image-policy", "namespace", "since", "until",
                    "cursor", "after-cursor", "cursor-file", "unit", "user-unit", "identifier", "exclude-identifier",
                    "priority", "facility", "grep", "output", "output-fields", "interval", "verify-key", "field",
                    "vacuum-size", "vacuum-files", "vacuum-time", "synchronize-on-exit"));
    private static final Set<String> SYSTEMCTL_SERVICES = Set.of("start", "stop", "restart", "reload", "try-restart",
            "reload-or-restart", "try-reload-or-restart", "enable", "disable", "reenable", "mask", "unmask",
            "daemon-reload", "daemon-reexec", "kill", "reset-failed", "preset", "link", "revert", "freeze", "thaw",
            "clean", "set-property", "edit");
    private static final Set<String> IP_READ = Set.of("a", "addr", "address", "r", "route", "l", "link", "n", "neigh",
            "neighbour", "show", "list", "ls", "-4", "-6", "-s", "-br", "-brief", "-c", "-color", "-j", "-json", "-p",
            "-pretty", "-d", "-details", "rule", "maddr", "monitor");
    private static final String KEYWORD_REASON = "set -k (-o keyword) makes NAME=VALUE words anywhere in a later"
            + " command its environment (LD_PRELOAD, PATH), not its arguments";
    private static final Set<String> SYSCTL_READ_OPTIONS = Set.of("--all", "--values", "--names", "--ignore", "--quiet",
            "--binary", "--pattern", "--deprecated", "--help", "--version");
    private static final Set<String> QUIET_DEVICES = Set.of("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty");
    private static final List<String> PRIVILEGED_DIRECTORIES = List.of("/etc", "/usr", "/bin", "/sbin", "/lib",
            "/lib32", "/lib64", "/libx32", "/opt", "/root", "/var/lib", "/var/spool/cron", "/var/log", "/srv", "/snap");
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/dev", "/boot", "/proc", "/sys", "/efi", "/run");

    private ShellCommandClassifier() {
    }

    /** A command line that starts in the upstream account's home directory: an {@code exec} request. */
    public static ShellClassification classify(String line) {
        return classify(line, HOME);
    }

    /**
     * A command line run in a terminal (an {@code exec} request with a PTY, {@code ssh -t}): as
     * {@link #classify(String)}, and a program that reads keystrokes able to run commands (a pager,
     * {@code top}, a program that pages its output) runs whatever is typed into it, like a shell.
     */
    public static ShellClassification classifyInTerminal(String line) {
        Verdict verdict = new Verdict();
        verdict.terminal = true;
        verdict.line(line, HOME, 0);
        return verdict.classification();
    }

    /**
     * A line typed in an interactive shell: its working directory is whatever earlier lines made
     * it, which the gateway cannot know for sure, so a write to a relative path is UNKNOWN.
     */
    public static ShellClassification classifyTyped(String line) {
        return classify(line, null);
    }

    /**
     * A file operation (sftp, scp) that changes {@code paths}: WRITE, or PRIVILEGE and
     * DANGEROUS_ADMIN in system directories, as for the same write from a command line.
     */
    public static ShellClassification fileChange(List<String> paths, String operation) {
        Verdict verdict = new Verdict();
        verdict.cwd = "/";
        for (String path : paths) {
            verdict.written(new Word(path, false, false), operation);
        }
        return new ShellClassification(verdict.statementClass, List.of(), verdict.orderedReasons());
    }

    private static ShellClassification classify(String line, String workingDirectory) {
        Verdict verdict = new Verdict();
        verdict.line(line, workingDirectory, 0);
        return verdict.classification();
    }

    /** A path on another host, as scp and rsync name one ({@code host:dir}, {@code rsync://host/module}). */
    private static boolean remote(String path) {
        return path.contains(":") && !path.startsWith("/") && !path.startsWith(".");
    }

    /** The class found so far, with what raised it. */
    private static final class Verdict {
        private StatementClass statementClass = StatementClass.SESSION;
        private final List<String> programs = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        /** The reasons that raised the line to its class: a refusal names these, not the line's harmless parts. */
        private final List<String> decisive = new ArrayList<>();
        /** Where the line writes, as the line names it (absolute, or {@code ~/...}), for the host to place. */
        private final List<String> writes = new ArrayList<>();
        private final List<String> readings = new ArrayList<>();
        /** Why a program has no name the line shows: no {@code command} pattern can be shown not to match it. */
        private final List<String> unnamed = new ArrayList<>();
        /** The working directory: {@code ~}, an absolute path, or null when not known. */
        private String cwd;
        /** Whether the programs run with a terminal, where pagers and full-screen programs take keystrokes. */
        private boolean terminal;
        /** How deep in nested lines the command being read is ({@code sh -c}, {@code su -c}, {@code eval}). */
        private int depth;

        void raise(StatementClass found, String reason) {
            if (found.risk() > statementClass.risk()) {
                decisive.clear();
            }
            if (found.risk() >= statementClass.risk() && !decisive.contains(reason)) {
                decisive.add(reason);
            }
            statementClass = StatementClass.max(found, statementClass);
            if (found.risk() >= StatementClass.READ.risk() && !reasons.contains(reason)) {
                reasons.add(reason);
            }
        }

        /** The reasons, those that raised the line to its class first ({@code ls; $X} is unknown for {@code $X}). */
        List<String> orderedReasons() {
            List<String> ordered = new ArrayList<>(decisive.stream().filter(reasons::contains).toList());
            reasons.stream().filter(r -> !ordered.contains(r)).forEach(ordered::add);
            return ordered;
        }

        ShellClassification classification() {
            return new ShellClassification(statementClass, programs, orderedReasons(), readings, unnamed, writes);
        }

        void line(String line, String workingDirectory, int depth) {
            if (depth > MAX_DEPTH) {
                unnamedProgram("shells nested more than " + MAX_DEPTH + " deep");
                return;
            }
            ShellLine read = ShellLine.read(line);
            if (read.unreadable() != null) {
                unnamedProgram("the line cannot be read without running it: " + read.unreadable());
                return;
            }
            cwd = workingDirectory;
            int outer = this.depth;
            this.depth = depth;
            for (SimpleCommand command : read.commands()) {
                simple(command, depth);
            }
            this.depth = outer;
        }

        private void simple(SimpleCommand command, int depth) {
            for (Redirection redirection : command.redirections()) {
                if (redirection.writes()) {
                    written(redirection.target(), "a redirection (" + redirection.operator() + ")");
                }
            }
            List<Word> words = command.words();
            int first = 0;
            while (first < words.size() && assignment(words.get(first))) {
                first++;
            }
            if (first < words.size()) {
                program(words.subList(first, words.size()), depth, false);
            }
        }

        /** {@code NAME=value} before a program: harmless unless it changes how programs are found or run. */
        private boolean assignment(Word word) {
            int equals = word.text().indexOf('=');
            if (equals <= 0 || !word.text().substring(0, equals).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return false;
            }
            String name = word.text().substring(0, equals);
            if (unsafeVariable(name)) { // PAGER='rm f' git log, PATH=/tmp/x ls: the program that runs is not shown
                unnamedProgram("sets " + name + ", which changes which programs run");
            }
            return true;
        }

        /**
         * Whether a variable changes which programs run (or where known ones write): the named ones;
         * git's (GIT_DIR, GIT_SEQUENCE_EDITOR, ...: repositories, whose configuration names programs,
         * and programs); the dynamic loader's; rsync's (RSYNC_CONNECT_PROG, a command it runs through
         * RSYNC_SHELL for an rsync:// target, RSYNC_RSH, ...).
         */
        private static boolean unsafeVariable(String name) {
            return UNSAFE_VARIABLES.contains(name) || name.startsWith("GIT_") || name.startsWith("LD_")
                    || name.startsWith("RSYNC_");
        }

        /**
         * One program and its arguments.
         *
         * @param argumentsUnknown the program gets more arguments the line does not show (xargs, find -exec)
         */
        private void program(List<Word> words, int depth, boolean argumentsUnknown) {
            Word first = words.getFirst();
            if (!first.literal()) {
                unnamedProgram("the program's name is only known once the shell expands " + first.unread()
                        + ", which the gateway cannot read before it runs");
                return;
            }
            String name = programName(first.text());
            if (name == null) {
                raise(StatementClass.UNKNOWN, "runs a program by its path (" + first.text() + ")");
                // Read by the name it ends in (/bin/../bin/rm, ./rm): a blocking rule on that name holds for it.
                String base = first.text().substring(first.text().lastIndexOf('/') + 1);
                if (!base.isEmpty()) {
                    read(base, words.subList(1, words.size()), argumentsUnknown);
                }
                return;
            }
            programs.add(name);
            List<Word> args = words.subList(1, words.size());
            read(name, args, argumentsUnknown);
            if (terminal && readsCommandKeystrokes(name, args)) {
                raise(StatementClass.UNKNOWN, "with a terminal, " + name + " reads keystrokes that run commands (a"
                        + " pager's !command, top's k), like a shell");
            }
            if (AS_ANOTHER_USER.contains(name)) {
                raise(StatementClass.DANGEROUS_ADMIN, name + " runs commands as another user or in another context");
                readsArgumentsAsCommands(args, argumentsUnknown);
                runsLines(optionValues(args, "-c", "--command"), depth); // su -c 'rm -rf d'
            } else if (WRAPPERS.containsKey(name)) {
                wrapped(name, args, depth, argumentsUnknown);
            } else if (name.equals("env")) {
                env(args, depth, argumentsUnknown);
            } else if (name.equals("xargs")) {
                xargs(args, depth);
            } else if (SHELLS.contains(name)) {
                shell(name, args, depth);
            } else if (name.equals("find")) {
                find(args, depth);
            } else if (RUNS_WHAT_IT_READS.contains(name)) {
                raise(StatementClass.UNKNOWN, name + " runs programs or scripts the gateway cannot see");
                readsArgumentsAsCommands(args, argumentsUnknown); // watch 'rm -rf d', flock L rm, parallel rm :::
                if (name.equals("alias") && args.stream().anyMatch(a -> !a.literal() || a.text().contains("="))) {
                    unnamedProgram("alias makes a name run another program"); // alias x=rm, then x f on a later line
                }
                if (name.equals("eval") && args.stream().allMatch(Word::literal)) { // eval runs its words joined as a line
                    runsLines(List.of(new Word(String.join(" ", args.stream().map(Word::text).toList()), false, false)),
                            depth);
                } else if (name.equals("eval")) {
                    unnamedProgram("eval runs a line only known once the shell expands " + String.join(" ",
                            args.stream().filter(a -> !a.literal()).map(Word::unread).toList()));
                }
            } else {
                known(name, args, argumentsUnknown);
            }
        }

        /**
         * Keeps the command as the shell reads it, for the {@code command} patterns of blocking and
         * holding rules: {@code 'r'm}, {@code r\m} and {@code /bin/rm} all run {@code rm}. A multi-call
         * program ({@code busybox rm}) is read as the applet it runs as well; the arguments xargs or
         * {@code find -exec} add, which the line does not show, read as {@code ...}.
         */
        private void read(String name, List<Word> args, boolean argumentsUnknown) {
            StringBuilder reading = new StringBuilder(name);
            args.forEach(arg -> reading.append(' ').append(arg.text()));
            readings.add(argumentsUnknown ? reading + " ..." : reading.toString());
            if (MULTI_CALL.contains(name) && !args.isEmpty() && args.getFirst().literal()) {
                String applet = programName(args.getFirst().text());
                if (applet != null) {
                    read(applet, args.subList(1, args.size()), argumentsUnknown);
                }
            }
        }

        /**
         * The command a program runs as another user ({@code sudo -u root rm -rf d}), for blocking
         * rules' patterns: the gateway does not read each such program's options, so every literal
         * word that is no option is read as the program it may be, with the words after it. A word
         * only known once expanded ({@code sudo "$X" d}) may name any program, and so may the words
         * past the first {@value #MAX_TAILS} (each read costs the length of the line: a long line would
         * otherwise cost its square).
         */
        private void readEachTail(List<Word> args, boolean argumentsUnknown) {
            int tails = 0;
            for (int i = 0; i < args.size(); i++) {
                String text = args.get(i).text();
                String base = text.substring(text.lastIndexOf('/') + 1);
                if (!args.get(i).literal()) {
                    unnamed.add("a word only known once the shell expands " + args.get(i).unread()
                            + " may name the program that runs");
                } else if (!text.startsWith("-") && !base.isEmpty() && ++tails > MAX_TAILS) {
                    unnamed.add("more than " + MAX_TAILS + " words that may each name the program that runs");
                    return;
                } else if (!text.startsWith("-") && !base.isEmpty()) {
                    read(base, args.subList(i + 1, args.size()), argumentsUnknown);
                }
            }
        }

        /**
         * A program the line runs without showing its name: unknown, and noted so that a blocking or
         * holding rule's {@code command} pattern, which cannot be shown not to match it, applies.
         */
        private void unnamedProgram(String reason) {
            raise(StatementClass.UNKNOWN, reason);
            unnamed.add(reason);
        }

        /**
         * The commands a program may run from its arguments, for blocking and holding rules' patterns,
         * where the gateway does not know how it reads them (a wrapper not in its table, a program it
         * does not know, one that runs what it reads): each literal word that is no option read as the
         * program it may be, with the words after it ({@code taskset 1 rm -rf d}), and each word that holds
         * a line, or an option's value that does ({@code watch 'rm -rf d'}, {@code --filter='rm -rf d'}),
         * read as that line. Errs towards reading too much: the line is already unknown or worse.
         */
        private void readsArgumentsAsCommands(List<Word> args, boolean argumentsUnknown) {
            readEachTail(args, argumentsUnknown);
            for (Word arg : args) {
                String text = arg.text();
                int equals = text.indexOf('=');
                String value = text.startsWith("-") && equals > 0 ? text.substring(equals + 1) : text;
                if (!value.equals(text) || value.chars().anyMatch(c -> Character.isWhitespace(c) || ";&|`$(".indexOf(c) >= 0)) {
                    readAsLine(new Word(value, arg.expands(), arg.globs(), arg.expansions()));
                }
            }
        }

        /** A word a program runs as a command line, read for the readings (and unnamed programs) it holds. */
        private void readAsLine(Word line) {
            if (!line.literal()) {
                unnamed.add("runs a line only known once the shell expands " + line.unread());
                return;
            }
            Verdict nested = new Verdict();
            nested.terminal = terminal;
            nested.line(line.text(), cwd, depth + 1);
            readings.addAll(nested.readings);
            unnamed.addAll(nested.unnamed);
        }

        /** Command lines a program runs as a shell would ({@code su -c LINE}, {@code eval WORDS}), read as nested lines. */
        private void runsLines(List<Word> lines, int depth) {
            for (Word line : lines) {
                if (!line.literal()) {
                    unnamedProgram("runs a line only known once the shell expands " + line.unread());
                } else {
                    String saved = cwd;
                    line(line.text(), cwd, depth + 1);
                    cwd = saved;
                }
            }
        }

        /**
         * Whether, given a terminal, the program reads keystrokes that can run commands: a pager or
         * full-screen program itself, or one that pages its output ({@code git log}, {@code journalctl},
         * {@code systemctl status}) unless told {@code --no-pager} (git: before its command, or {@code -P}).
         */
        private static boolean readsCommandKeystrokes(String name, List<Word> args) {
            if (KEYSTROKE_PROGRAMS.contains(name)) {
                return true;
            }
            if (!PAGING_PROGRAMS.contains(name)) {
                return false;
            }
            if (name.equals("dmesg")) { // util-linux's dmesg pages only its --human output
                return args.stream().anyMatch(a -> a.text().matches("-[a-zA-Z]*H[a-zA-Z]*") || longOption(a.text(), "--human"));
            }
            for (Word arg : args) {
                String text = arg.text();
                if (text.equals("--no-pager") || name.equals("git") && text.equals("-P")
                        || name.equals("journalctl") && (text.matches("-[a-zA-Z]*f[a-zA-Z]*") || text.equals("--follow"))) {
                    return false; // journalctl --follow never pages
                }
                if (name.equals("git") && !text.startsWith("-")) {
                    return true; // git's own options end at its command
                }
            }
            return true;
        }

        /** The standard program a name stands for; null for a path outside the standard directories. */
        private static String programName(String word) {
            if (word.indexOf('/') < 0) {
                return word;
            }
            for (String directory : BIN_DIRECTORIES) {
                if (word.startsWith(directory) && word.indexOf('/', directory.length()) < 0
                        && word.length() > directory.length()) {
                    return word.substring(directory.length());
                }
            }
            return null;
        }

        /**
         * A word that may name a variable a builtin sets ({@code read PATH}, {@code read -aPS4},
         * {@code printf -v PS4}, {@code wait -p}): setting one of the unsafe ones changes what later
         * commands run as surely as an assignment does ({@code PS4} is expanded, command substitution
         * included, by {@code set -x}).
         */
        private void variableSet(Word word) {
            if (!word.literal()) {
                unnamedProgram("sets a variable whose name is only known once the shell expands " + word.unread());
                return;
            }
            if (subscripted(word)) {
                return;
            }
            String name = word.text();
            // An option cluster ends with the name it sets (read -aPS4): any of its tails may be it.
            for (int from = 0; from < (name.startsWith("-") ? name.length() : 1); from++) {
                if (unsafeVariable(name.substring(from))) {
                    unnamedProgram("sets " + name.substring(from) + ", which changes which programs run");
                    return;
                }
            }
        }

        /**
         * Whether a word a builtin reads as a variable's name holds an array subscript: bash evaluates
         * it as arithmetic, command substitution and assignments included ({@code read 'a[$(rm -rf d)]'},
         * {@code test -v 'a[$(rm -rf d)]'}, {@code printf -v 'a[PATH=0]' x}, {@code unset 'DIRSTACK[$(rm -rf d)]'}),
         * however the word is quoted.
         */
        private boolean subscripted(Word word) {
            if (word.text().indexOf('[') < 0) {
                return false;
            }
            raise(StatementClass.UNKNOWN, "names a variable with a subscript, which bash evaluates as arithmetic"
                    + " (command substitution included)");
            return true;
        }

        private void known(String name, List<Word> args, boolean argumentsUnknown) {
            List<Word> operands = operands(args);
            if (startsAnEditor(name, args, operands)) {
                raise(StatementClass.UNKNOWN, name + " starts an editor, which runs commands typed into it (vi's :!command)");
            }
            switch (name) {
                case "unset" -> {
                    args.forEach(this::subscripted); // unset 'DIRSTACK[$(rm -rf d)]'
                    raise(StatementClass.SESSION, name);
                }
                case "jobs" -> raise(args.stream().anyMatch(a -> !a.literal() || a.text().matches("-[a-zA-Z]*x[a-zA-Z]*"))
                        ? StatementClass.UNKNOWN : StatementClass.SESSION, "jobs -x runs the command that follows it");
                case "test", "[" -> {
                    raise(StatementClass.READ, name + " reads");
                    for (int i = 0; i + 1 < args.size(); i++) {
                        if (args.get(i).text().equals("-v")) { // -v NAME: set or not, its subscript evaluated
                            subscripted(args.get(i + 1));
                        }
                    }
                }
                case "cd" -> changeDirectory(operands);
                case "pushd" -> { // pushd DIR moves as cd does; pushd alone, +N, -N or with options to a place on the stack
                    if (operands.size() == 1 && args.size() == 1 && !operands.getFirst().text().startsWith("+")) {
                        changeDirectory(operands);
                    } else {
                        cwd = null;
                    }
                }
                case "popd" -> cwd = null;
                case "history" -> {
                    raise(StatementClass.SESSION, name);
                    // history -s LINE adds any text to the list, history -w FILE or -a FILE writes the list to FILE.
                    List<String> given = args.stream().map(Word::text).toList();
                    if (shortOption(given, 'w') || shortOption(given, 'a')) {
                        operands.forEach(w -> written(w, "history -w"));
                    }
                }
                case "shopt" -> {
                    raise(args.stream().anyMatch(a -> !a.literal() || a.text().equals("cdable_vars"))
                            ? StatementClass.UNKNOWN : StatementClass.SESSION, "shopt -s cdable_vars makes cd go where a"
                            + " variable names");
                    if (args.stream().anyMatch(a -> a.text().equals("keyword"))) { // shopt -so keyword is set -k
                        raise(StatementClass.UNKNOWN, KEYWORD_REASON);
                    }
                }
                case "set" -> setOptions(args);
                case "export" -> args.forEach(this::assignment);
                case "hash" -> {
                    if (args.stream().anyMatch(a -> !a.literal() || a.text().matches("-[a-zA-Z]*p[a-zA-Z]*"))) {
                        unnamedProgram("hash -p makes a name run another program"); // hash -p /bin/rm x; x f
                    } else {
                        raise(StatementClass.SESSION, "hash");
                    }
                }
                case "read", "wait" -> {
                    args.forEach(this::variableSet);
                    raise(StatementClass.SESSION, name);
                }
                case "printf" -> {
                    if (!args.isEmpty() && (!args.getFirst().literal() || args.getFirst().text().startsWith("-v"))) {
                        args.stream().limit(2).forEach(this::variableSet);
                    }
                    raise(StatementClass.READ, name + " reads");
                }
                case "rm" -> remove(args, operands, argumentsUnknown);
                case "systemctl" -> systemctl(args);
                case "service" -> raise(operands.size() >= 2 && operands.get(1).text().equals("status") ? StatementClass.READ
                        : StatementClass.DDL, "service controls system services");
                case "journalctl" -> {
                    raise(anyLongOption(args, "--vacuum-size", "--vacuum-time", "--vacuum-files", "--rotate", "--flush",
                            "--relinquish-var", "--smart-relinquish-var", "--setup-keys", "--sync", "--update-catalog")
                            ? StatementClass.DDL : StatementClass.READ, "journalctl reads (or maintains) the system journal");
                    // --cursor-file=FILE (or a prefix of it but --cursor, an option of its own) updates FILE.
                    optionValues(args.stream().filter(a -> !a.text().matches("--cursor(=.*)?")).toList(), "--cursor-file")
                            .forEach(w -> written(w, "journalctl --cursor-file"));
                    unreadOptions(name, JOURNALCTL_OPTIONS, args);
                }
                // -c/-C clear the log, -D/-E/-n LEVEL (the short spellings of the --console options) silence it.
                case "dmesg" -> raise(args.stream().anyMatch(a -> a.text().matches("-[a-zA-Z]*[cCDEn].*"))
                        || anyLongOption(args, "--clear", "--read-clear", "--console-off", "--console-on", "--console-level")
                        ? StatementClass.DDL : StatementClass.READ, "dmesg reads (or clears) the kernel log");
                case "ip" -> {
                    raise(args.stream().allMatch(a -> IP_READ.contains(a.text())) ? StatementClass.READ
                            : StatementClass.DANGEROUS_ADMIN, "ip shows or changes the network configuration");
                    readsArgumentsAsCommands(args, argumentsUnknown); // ip netns exec NS rm -rf d
                }
                // hostname -F FILE, -FFILE, --file=FILE and --fi FILE set the name from a file.
                case "hostname" -> raise(operands.isEmpty() && !shortOption(texts(args), 'F')
                        && !anyLongOption(args, "--file") ? StatementClass.READ : StatementClass.DANGEROUS_ADMIN,
                        "hostname shows or sets the host's name");
                case "sysctl" -> raise(sysctlReads(args) ? StatementClass.READ : StatementClass.DANGEROUS_ADMIN,
                        "sysctl reads or sets kernel parameters");
                // lastlog -C clears and -S sets a user's record in /var/log/lastlog, the logins' evidence.
                case "lastlog" -> raise(shortOption(texts(args), 'C') || shortOption(texts(args), 'S')
                        || anyLongOption(args, "--clear", "--set") ? StatementClass.PRIVILEGE : StatementClass.READ,
                        "lastlog reads (or, with -C or -S, rewrites) the login records under /var/log");
                case "crontab" -> raise(args.size() == 1 && args.getFirst().text().equals("-l") ? StatementClass.READ
                        : StatementClass.PRIVILEGE, "crontab schedules commands");
                case "kill", "pkill", "killall", "skill" -> raise(StatementClass.DDL, name + " stops processes");
                case "dd" -> dd(args);
                case "sort" -> {
                    optionTarget(name, args, "-o", "--output");
                    runsNamedProgram(name, args, "--compress-program");
                }
                case "tree" -> {
                    optionTarget(name, args, "-o");
                    if (args.stream().anyMatch(a -> a.text().matches("-[a-zA-Z]*R[a-zA-Z]*"))) {
                        unpacks("tree -R writing 00Tree.html into every directory it walks"); // tree 2: -R with -H
                    }
                }
                case "less" -> {
                    optionTarget(name, args, "-o", "-O", "--log-file", "--LOG-FILE");
                    // A lesskey file's #env section sets LESSOPEN, which runs a command for each file read.
                    runsNamedProgram(name, args, "-k", "--lesskey-file", "--lesskey-src", "--lesskey-content");
                }
                case "file" -> {
                    raise(StatementClass.READ, name + " reads");
                    if (args.stream().anyMatch(a -> a.text().equals("-C")) || anyLongOption(args, "--compile")) {
                        raise(StatementClass.WRITE, "file -C writes a compiled magic file");
                    }
                }
                case "date" -> date(args);
                case "ss" -> {
                    raise(anyLongOption(args, "--kill") || args.stream().anyMatch(a -> a.text()
                            .matches("-[a-zA-Z]*K[a-zA-Z]*")) ? StatementClass.DDL : StatementClass.READ,
                            "ss shows (or, with -K, kills) sockets");
                    optionValues(args, "-D", "--diag").forEach(w -> written(w, "ss -D")); // raw socket data to FILE
                    unreadOptions(name, SS_OPTIONS, args);
                }
                case "tee", "touch", "mkdir", "rmdir", "unlink", "mkfifo", "split", "csplit", "cp", "mv", "install",
                     "ln", "link", "rsync", "scp" -> {
                    writes(name, args, operands, argumentsUnknown);
                    if (name.equals("cp") || name.equals("rsync") || name.equals("scp")) {
                        copiesTrees(name, args, operands);
                    }
                    if (name.equals("scp")) {
                        receivesIntoTheHome(args, operands);
                    }
                    runsNamedProgram(name, args, "-e", "--rsh", "--rsync-path", "-S", "-F", "--filter");
                    // Files and directories written by an option's value: rsync's log (which names every file
                    // transferred, names a caller chooses) and batch files, where it keeps backups and partial
                    // files; csplit's prefix.
                    optionValues(args, name.equals("csplit") ? new String[] {"-f", "--prefix"} : name.equals("rsync")
                            ? new String[] {"--log-file", "--write-batch", "--only-write-batch", "--backup-dir",
                                    "--partial-dir", "--temp-dir", "-T"} : new String[0])
                            .forEach(w -> written(w, name));
                    if (name.equals("scp") || name.equals("rsync")) {
                        optionValues(args, "-o").stream().filter(o -> o.text().toLowerCase(Locale.ROOT)
                                .matches(".*(command|match).*")).findFirst().ifPresent(o -> raise(StatementClass.UNKNOWN,
                                name + " -o " + o.text() + " runs a program"));
                    }
                }
                case "truncate" -> {
                    raise(StatementClass.BULK_WRITE, "truncate empties files");
                    operands.forEach(w -> written(w, name));
                }
                case "uniq" -> {
                    // uniq [OPTION]... [INPUT [OUTPUT]]: the output is the second operand past the options' values
                    // (uniq -f 1 src ~/.bashrc writes ~/.bashrc, not src).
                    raise(StatementClass.READ, name + " reads files");
                    List<Word> files = UNIQ_OPTIONS.read(args).operands();
                    if (files.size() >= 2) {
                        files.subList(1, files.size()).forEach(w -> written(w, name));
                    }
                    unreadOptions(name, UNIQ_OPTIONS, args);
                }
                case "xxd" -> {
                    // xxd [options] [infile [outfile]], its options' values separate words (-c 8, -s 0x10) or not
                    // (-c8): the last word is the output whenever two words could be files.
                    raise(StatementClass.READ, name + " reads files");
                    if (args.stream().filter(a -> !a.text().startsWith("-")).count() >= 2) {
                        written(args.getLast(), name);
                    }
                }
                case "tar" -> tar(args);
                case "gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd", "zip", "unzip", "7z" -> {
                    writes(name, args, operands, argumentsUnknown);
                    if (name.equals("zip")) {
                        runsNamedProgram(name, args, "-TT", "--unzip-command");
                    }
                    if (name.equals("unzip") && unzipExtracts(args)
                            || name.equals("7z") && !operands.isEmpty() && Set.of("x", "e").contains(operands.getFirst().text())) {
                        unpacks(name + " extracting an archive");
                    }
                    decompressedNames(name, args, operands);
                }
                case "curl" -> {
                    raise(StatementClass.WRITE, name + " reaches the network and can download files");
                    // curl 8.3: any option spelled --expand-NAME is NAME with {{variables}} expanded in its value,
                    // whose --variable may be read from a file or the environment (--expand-output '{{f}}').
                    if (args.stream().anyMatch(a -> a.text().startsWith("--expand-"))
                            && args.stream().anyMatch(a -> !a.literal() || a.text().contains("{{"))) {
                        raise(StatementClass.UNKNOWN, "curl --expand- options take values from variables (a file's or"
                                + " the environment's content), known only once it runs");
                    }
                    args = args.stream().map(a -> a.text().startsWith("--expand-") ? new Word("--" + a.text()
                            .substring("--expand-".length()), a.expands(), a.globs(), a.expansions()) : a).toList();
                    optionValues(args, "-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar", "--trace",
                            "--trace-ascii", "--stderr", "--output-dir", "--etag-save", "--hsts", "--alt-svc", "--libcurl",
                            "--ssl-sessions")
                            .forEach(w -> written(w, name));
                    // curl 8.3's -w '%output{FILE}' writes what follows to FILE; -w @FILE reads the format from a file.
                    if (optionValues(args, "-w", "--write-out").stream().anyMatch(w -> !w.literal()
                            || w.text().contains("%output{") || w.text().startsWith("@"))) {
                        raise(StatementClass.UNKNOWN, "curl -w writes to a file its format names (%output{FILE})");
                    }
                    List<String> given = args.stream().map(Word::text).toList();
                    if (shortOption(given, 'K') || anyLongOption(args, "--config")) {
                        raise(StatementClass.UNKNOWN, "curl -K reads its options, files to write among them, from a file");
                    }
                    if (shortOption(given, 'J') || anyLongOption(args, "--remote-header-name")) {
                        unpacks("curl -J writing a file under the name the server sends");
                    }
                    if (shortOption(given, 'O') || anyLongOption(args, "--remote-name", "--remote-name-all")) {
                        namedByTheirUrls(name, operands, optionValues(args, "--output-dir"));
                    }
                }
                case "wget" -> {
                    raise(StatementClass.WRITE, name + " reaches the network and can download files");
                    List<Word> documents = optionValues(args, "-O", "--output-document");
                    documents.forEach(w -> written(w, name));
                    optionValues(args, "-o", "--output-file", "-a", "--append-output", "-P",
                            "--directory-prefix", "--save-cookies", "--rejected-log", "--hsts-file")
                            .forEach(w -> written(w, name));
                    optionValues(args, "--warc-file").forEach(w -> written(new Word(w.text() + ".warc.gz", w.expands(),
                            w.globs(), w.expansions()), name + " --warc-file")); // and FILE.cdx with --warc-cdx
                    if (args.stream().map(Word::text).anyMatch(a -> a.matches("-[a-zA-Z]*[rmpixeB][a-zA-Z]*"))
                            || anyLongOption(args, "--recursive", "--mirror", "--page-requisites", "--input-file",
                            "--force-directories", "--execute", "--config", "--content-disposition",
                            "--trust-server-names", "--base")) {
                        unpacks("wget fetching names from pages, a list, its settings or the server");
                    } else if (documents.isEmpty()) {
                        namedByTheirUrls(name, operands, optionValues(args, "-P", "--directory-prefix"));
                    }
                }
                case "rg" -> {
                    raise(StatementClass.READ, name + " reads");
                    runsNamedProgram(name, args, "--pre"); // rg --pre=rm x d runs rm on every file it searches
                }
                case "git" -> git(args);
                default -> byTable(name, args, operands, argumentsUnknown);
            }
        }

        private void byTable(String name, List<Word> args, List<Word> operands, boolean argumentsUnknown) {
            if (SESSION.contains(name)) {
                raise(StatementClass.SESSION, name);
            } else if (READ.contains(name)) {
                raise(StatementClass.READ, name + " reads");
            } else if (PERMISSION_PROGRAMS.contains(name)) {
                raise(StatementClass.PRIVILEGE, name + " changes permissions or ownership");
                operands.stream().skip(name.equals("chattr") || name.equals("setfacl") ? 0 : 1)
                        .forEach(w -> written(w, name));
                unknownTargets(name, argumentsUnknown);
            } else if (PRIVILEGE_PROGRAMS.contains(name)) {
                raise(StatementClass.PRIVILEGE, name + " changes accounts or credentials");
            } else if (DANGEROUS.contains(name) || name.startsWith("mkfs")) {
                raise(StatementClass.DANGEROUS_ADMIN, name + " changes the machine itself (power, disks, kernel, network,"
                        + " containers)");
            } else if (PackageQuery.manager(name)) {
                raise(PackageQuery.queries(name, args) ? StatementClass.READ : StatementClass.DDL,
                        name + " installs or removes software (a query only with a query's action and options)");
            } else {
                raise(StatementClass.UNKNOWN, name + " is not a program the gateway knows");
                readsArgumentsAsCommands(args, argumentsUnknown); // it may run them: taskset 1 rm, chrt 10 rm
            }
        }

        private void writes(String name, List<Word> args, List<Word> operands, boolean argumentsUnknown) {
            raise(StatementClass.WRITE, name + " writes files");
            operands.forEach(w -> written(w, name));
            unknownTargets(name, argumentsUnknown);
            if (name.equals("rsync") && (args.stream().anyMatch(a -> a.text().startsWith("--del"))
                    || anyLongOption(args, "--remove-source-files"))) {
                raise(StatementClass.BULK_WRITE, "rsync --delete removes files");
            }
            optionValues(args, "-d", "-C", "--directory", "-t", "--target-directory").forEach(w -> written(w, name));
        }

        /**
         * A download saved under the last name of its URL's path ({@code curl -O}, {@code wget} without
         * {@code -O}): {@code wget https://example.org/.bashrc} writes {@code ~/.bashrc}, judged as that
         * write, in {@code directories} when given (wget's {@code index.html} for a path ending in {@code /}).
         */
        private void namedByTheirUrls(String name, List<Word> operands, List<Word> directories) {
            String into = directories.isEmpty() ? "" : directories.getLast().text() + "/";
            boolean expands = directories.stream().anyMatch(w -> !w.literal());
            for (Word url : operands) {
                String path = url.text().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "").replaceFirst("[?#].*$", "");
                String last = path.substring(path.lastIndexOf('/') + 1);
                written(new Word(into + (last.isEmpty() ? "index.html" : last), expands || url.expands(),
                        url.globs()), name + " saving a download under its URL's name");
            }
        }

        /**
         * An archive unpacked, or a tree copied from where the line does not show its names: it writes
         * the names inside, known only once it runs, a start-up file among them ({@code ~/.bashrc},
         * {@code ~/.ssh/authorized_keys}, a {@code .git/config} whose {@code core.fsmonitor} the next
         * {@code git status} there runs), so it is as risky as the worst write.
         */
        private void unpacks(String what) {
            raise(StatementClass.UNKNOWN, what + " writes names the line does not show, known only once it runs (a"
                    + " shell's start-up file, SSH keys, a repository's configuration or hooks among them)");
        }

        /** unzip extracts unless told to list, test, show the comment or write to standard output. */
        private static boolean unzipExtracts(List<Word> args) {
            return args.stream().map(Word::text).filter(a -> a.startsWith("-") && !a.startsWith("--"))
                    .noneMatch(a -> a.chars().skip(1).anyMatch(c -> "lvtzZpc".indexOf(c) >= 0));
        }

        /**
         * A decompressor writes each file under its name without the suffix: {@code gunzip ~/.bashrc.gz}
         * writes {@code ~/.bashrc}, which is judged as that write.
         */
        private void decompressedNames(String name, List<Word> args, List<Word> operands) {
            boolean decompresses = Set.of("gunzip", "bunzip2", "unxz", "unzstd").contains(name)
                    || Set.of("gzip", "bzip2", "xz", "zstd").contains(name) && (anyLongOption(args, "--decompress",
                    "--uncompress") || args.stream().map(Word::text).anyMatch(a -> a.startsWith("-") && !a.startsWith("--")
                    && a.indexOf('d') > 0));
            if (!decompresses) {
                return;
            }
            List<String> clusters = args.stream().map(Word::text).filter(a -> a.startsWith("-") && !a.startsWith("--")).toList();
            boolean gzip = name.equals("gzip") || name.equals("gunzip");
            if (gzip && (clusters.stream().anyMatch(a -> a.indexOf('N') > 0) || anyLongOption(args, "--name"))) {
                unpacks(name + " -N writing each file under the name stored inside it");
            }
            if (clusters.stream().anyMatch(a -> a.indexOf('r') > 0) || anyLongOption(args, "--recursive")) {
                unpacks(name + " -r decompressing every file in a directory tree");
            }
            List<Word> suffixes = gzip || name.endsWith("xz") ? optionValues(args, "-S", "--suffix") : List.of();
            if (suffixes.stream().anyMatch(w -> !w.literal())) {
                raise(StatementClass.UNKNOWN, name + " -S takes a suffix only known once the shell expands it");
                return;
            }
            for (Word operand : operands) {
                String text = operand.text();
                String base = text.substring(text.lastIndexOf('/') + 1);
                int dot = base.lastIndexOf('.');
                // gzip -S .x and xz --suffix=.x take that suffix off instead (gunzip -S .x ~/.bashrc.x writes ~/.bashrc).
                String suffix = suffixes.stream().map(Word::text).filter(x -> !x.isEmpty() && base.endsWith(x)
                        && base.length() > x.length()).findFirst().orElse(dot > 0
                        && COMPRESSED_SUFFIXES.contains(base.substring(dot).toLowerCase(Locale.ROOT)) ? base.substring(dot) : "");
                if (operand.literal() && !suffix.isEmpty()) {
                    written(new Word(text.substring(0, text.length() - suffix.length()), false, false), name);
                }
            }
        }

        /**
         * A recursive copy into the home directory writes there the names its source holds (a
         * directory's contents: {@code dir/.}, rsync's {@code dir/}), or a tree under the source's own
         * name: a hidden one ({@code .ssh}, {@code .config}) holds start-up files and settings, any
         * other is judged as a write of that name; one from another host writes whatever that host's
         * tree holds: names the line does not show.
         */
        private void copiesTrees(String name, List<Word> args, List<Word> operands) {
            boolean recursive = anyLongOption(args, "--recursive", "--archive") || args.stream().map(Word::text)
                    .anyMatch(a -> a.startsWith("-") && !a.startsWith("--") && (a.indexOf('r') > 0 || a.indexOf('R') > 0
                            || !name.equals("scp") && a.indexOf('a') > 0));
            if (!recursive || operands.isEmpty()) {
                return;
            }
            List<Word> directories = name.equals("cp") ? optionValues(args, "-t", "--target-directory") : List.of();
            List<Word> sources = directories.isEmpty() ? operands.subList(0, operands.size() - 1) : operands;
            Word target = directories.isEmpty() ? operands.getLast() : directories.getFirst();
            boolean home = target.literal() && (HOME + "/").equals(absolute(target.text()));
            if (home || mayBeTheHome(target)) {
                for (Word source : sources) {
                    String text = source.text();
                    boolean contents = text.equals(".") || text.endsWith("/.") || name.equals("rsync") && text.endsWith("/");
                    String own = text.replaceAll("/+$", "");
                    own = own.substring(own.lastIndexOf('/') + 1);
                    if (!source.literal() || contents || own.isEmpty() || own.startsWith(".")) {
                        unpacks(name + " copying a directory's contents, or a hidden directory, into the home directory");
                    } else if (home) {
                        written(new Word(HOME + "/" + own, false, false), name);
                    }
                }
            }
            if (sources.stream().map(Word::text).anyMatch(ShellCommandClassifier::remote)) {
                unpacks(name + " copying a directory tree from another host");
            }
        }

        /**
         * The far end of legacy scp ({@code scp -t DIR}, what {@code scp -O FILE host:DIR} runs) writes
         * into DIR under the names its protocol carries, which the line does not show: into the home
         * directory, {@code scp -O .bashrc host:/home/deploy} writes a shell's start-up file, and
         * {@code -r} a {@code .ssh} or {@code .git} tree.
         */
        private void receivesIntoTheHome(List<Word> args, List<Word> operands) {
            boolean receives = args.stream().map(Word::text).anyMatch(a -> a.matches("-[a-zA-Z]*t[a-zA-Z]*"));
            for (Word target : receives ? operands : List.<Word>of()) {
                if (target.literal() && (HOME + "/").equals(absolute(target.text())) || mayBeTheHome(target)) {
                    unpacks("legacy scp receiving into the home directory");
                }
            }
        }

        /**
         * Whether a copy's target may be the home directory spelled otherwise than {@code ~}: the
         * gateway does not know the account's home as a path, so {@code /root}, any
         * {@code /home/NAME}, {@code ~NAME} and a target the shell expands ({@code $HOME}) are taken
         * for it, as {@code ~} is.
         */
        private boolean mayBeTheHome(Word target) {
            if (!target.literal()) {
                return true;
            }
            String text = target.text();
            String path = absolute(text);
            return text.matches("~[^/]+/*") || path != null && path.matches("/(root|home/[^/]+)");
        }

        private void unknownTargets(String name, boolean argumentsUnknown) {
            if (argumentsUnknown) {
                raise(StatementClass.UNKNOWN, name + " gets paths the line does not show (xargs, find -exec)");
            }
        }

        private void remove(List<Word> args, List<Word> operands, boolean argumentsUnknown) {
            boolean recursive = anyLongOption(args, "--recursive") || args.stream().map(Word::text).anyMatch(a ->
                    a.startsWith("-") && !a.startsWith("--") && (a.indexOf('r') > 0 || a.indexOf('R') > 0));
            raise(recursive ? StatementClass.BULK_WRITE : StatementClass.WRITE,
                    recursive ? "rm -r deletes whole directory trees" : "rm deletes files");
            if (anyLongOption(args, "--no-preserve-root")) {
                raise(StatementClass.DANGEROUS_ADMIN, "rm --no-preserve-root");
            }
            for (Word target : operands) {
                written(target, "rm");
                String path = target.literal() ? absolute(target.text()) : null;
                if (recursive && path != null && path.indexOf('/', 1) < 0) {
                    raise(StatementClass.DANGEROUS_ADMIN, "rm -r of / or a top-level directory");
                }
            }
            unknownTargets("rm", argumentsUnknown);
        }

        /**
         * Whether a known program hands the file it changes to an editor, whose own commands run
         * programs ({@code :!rm -rf d} typed into vi, from the caller's input with or without a
         * terminal), as {@code git commit} without {@code -m} does: {@code crontab -e},
         * {@code systemctl edit}, {@code visudo}, {@code vipw}, {@code vigr}, {@code edquota},
         * {@code apt edit-sources}.
         */
        private static boolean startsAnEditor(String name, List<Word> args, List<Word> operands) {
            String first = operands.isEmpty() ? "" : operands.getFirst().text();
            return switch (name) {
                case "crontab" -> args.stream().anyMatch(a -> a.text().matches("-[a-zA-Z]*e[a-zA-Z]*"));
                case "systemctl" -> first.equals("edit");
                case "apt", "apt-get" -> first.equals("edit-sources");
                case "visudo", "vipw", "vigr", "edquota" -> true;
                default -> false;
            };
        }

        /**
         * systemctl's command is its first operand past the options' values ({@code systemctl -p status
         * restart app} restarts app), read only with options from {@link #SYSTEMCTL_OPTIONS}.
         */
        private void systemctl(List<Word> args) {
            ProgramOptions.Reading reading = SYSTEMCTL_OPTIONS.read(args);
            List<Word> operands = reading.operands();
            String command = operands.isEmpty() ? "list-units" : operands.getFirst().text();
            if (!reading.known()) {
                raise(StatementClass.UNKNOWN, "systemctl is given an option the gateway does not read (or one only"
                        + " known once expanded)");
            } else if (command.equals("edit")) {
                raise(StatementClass.UNKNOWN, "systemctl edit starts an editor, which runs commands typed into it");
            }
            if (SYSTEMCTL_READ.contains(command)) {
                raise(StatementClass.READ, "systemctl " + command + " reads service state");
            } else if (SYSTEMCTL_SERVICES.contains(command)) {
                raise(StatementClass.DDL, "systemctl " + command + " changes services");
            } else {
                raise(StatementClass.DANGEROUS_ADMIN, "systemctl " + command + " changes the machine's state");
            }
        }

        private void dd(List<Word> args) {
            raise(StatementClass.READ, "dd copies data");
            for (Word arg : args) {
                if (arg.text().startsWith("of=")) {
                    written(new Word(arg.text().substring(3), arg.expands(), arg.globs(), arg.expansions()), "dd");
                }
            }
        }

        private void tar(List<Word> args) {
            String first = args.isEmpty() ? "" : args.getFirst().text();
            boolean lists = (first.matches("-?[a-zA-Z]*t[a-zA-Z]*") && !first.startsWith("--")) || args.stream()
                    .anyMatch(a -> a.text().equals("--list"));
            raise(lists ? StatementClass.READ : StatementClass.WRITE, "tar creates or extracts archives");
            List<String> clusters = args.stream().map(Word::text).filter(a -> a.startsWith("-") && !a.startsWith("--")).toList();
            boolean extracts = !lists && (clusters.stream().anyMatch(a -> a.indexOf('x') > 0)
                    || !first.startsWith("-") && first.indexOf('x') >= 0 || anyLongOption(args, "--extract", "--get"));
            boolean toStandardOutput = clusters.stream().anyMatch(a -> a.indexOf('O') > 0)
                    || !first.startsWith("-") && first.indexOf('O') >= 0 || anyLongOption(args, "--to-stdout");
            if (extracts && !toStandardOutput) {
                unpacks("tar extracting an archive");
            }
            // Short options cluster (-xPf, or the old style xPf as the first word): P keeps absolute
            // names, I names a compression program, F a script run between volumes, wherever they sit in the cluster.
            boolean clusterRuns = args.stream().map(Word::text).filter(a -> a.startsWith("-") && !a.startsWith("--"))
                    .anyMatch(a -> a.indexOf('P') > 0 || a.indexOf('I') > 0 || a.indexOf('F') > 0)
                    || (!first.startsWith("-") && (first.indexOf('P') >= 0 || first.indexOf('I') >= 0
                    || first.indexOf('F') >= 0));
            if (clusterRuns || args.stream().anyMatch(a -> a.text().startsWith("-I")) || anyLongOption(args,
                    "--absolute-names", "--to-command", "--use-compress-program", "--checkpoint-action", "--info-script",
                    "--new-volume-script", "--rsh-command", "--rmt-command")) {
                raise(StatementClass.UNKNOWN, "tar options that keep absolute names or run programs");
            }
            optionValues(args, "-C", "--directory", "-f", "--file").forEach(w -> written(w, "tar"));
        }

        /**
         * git changes working trees (WRITE), and runs programs named by its configuration, options and
         * editor: configuration given or set ({@code -c}, {@code git config core.fsmonitor=...},
         * {@code alias.x='!cmd'}), options naming a program ({@code --upload-pack}, {@code --exec},
         * {@code rebase -x}, {@code grep -O}), another repository's configuration ({@code --git-dir}),
         * commands that run what they are given ({@code bisect run}, {@code submodule foreach}) and the
         * editor git starts for a message (whose own commands run: vi's {@code :!}) are all UNKNOWN.
         */
        private void git(List<Word> args) {
            raise(StatementClass.WRITE, "git changes working trees");
            String saved = cwd;
            int at = 0;
            while (at < args.size() && args.get(at).text().startsWith("-")) {
                String option = args.get(at).text();
                if (option.startsWith("-c") || option.startsWith("--config-env") || option.startsWith("--exec-path")
                        || option.startsWith("--git-dir") || option.startsWith("--work-tree")) {
                    raise(StatementClass.UNKNOWN, "git " + option + " gives git configuration, which can name programs");
                }
                if (option.equals("-C") && at + 1 < args.size()) { // git runs as if started there, -C after -C relative
                    changeDirectory(List.of(args.get(at + 1)));
                }
                at += option.equals("-C") || option.equals("-c") || option.equals("--git-dir")
                        || option.equals("--work-tree") || option.equals("--namespace") ? 2 : 1;
            }
            if (at < args.size()) {
                gitCommand(args, at);
            }
            cwd = saved;
        }

        private void gitCommand(List<Word> args, int at) {
            String command = args.get(at).text();
            List<Word> after = args.subList(at + 1, args.size());
            List<String> rest = after.stream().map(Word::text).toList();
            // Diff and log options write their output to a file, archive and format-patch theirs: judged where it lands
            // (git log -1 --format=%B --output=~/.bashrc writes a commit message, a command, into a start-up file).
            optionValues(after, "--output", "--output-directory").forEach(w -> written(w, "git " + command + " --output"));
            if (Set.of("archive", "format-patch").contains(command)) {
                optionValues(after, "-o").forEach(w -> written(w, "git " + command + " -o"));
            }
            if (command.equals("mv") && operands(after).size() >= 2) {
                written(operands(after).getLast(), "git mv");
            }
            gitWrites(command, after);
            if (command.equals("clean") && !shortOption(rest, 'n') && !anyLongOption(after, "--dry-run")) {
                raise(StatementClass.BULK_WRITE, "git clean deletes every file the repository does not track");
            }
            if (updatesWorkTree(command, after) && mayHoldTheHome(cwd)) {
                unpacks("git " + command + " in " + (cwd == null ? "a directory the gateway cannot place" : cwd)
                        + " updates the working tree of the repository git finds there or above, which may be the home"
                        + " directory (a dotfiles repository), with the names its commits hold");
            }
            if (!args.get(at).literal()) {
                raise(StatementClass.UNKNOWN, "git's command is only known once the shell expands it");
            } else if (anyLongOption(args.subList(at + 1, args.size()), "--upload-pack", "--receive-pack", "--exec",
                    "--extcmd", "--open-files-in-pager", "--config", "--template")
                    || rest.stream().anyMatch(a -> longOption(a, "--rebase") && a.matches("[^=]*=i.*"))) {
                raise(StatementClass.UNKNOWN, "git " + command + " is told to run another program");
            } else if (!GIT_COMMANDS.contains(command)) {
                raise(StatementClass.UNKNOWN, "git " + command + " is an alias, a git-" + command + " program or a command"
                        + " that runs programs the gateway cannot see");
            } else if (command.equals("config") && rest.stream().noneMatch(GIT_CONFIG_READS::contains)) {
                raise(StatementClass.UNKNOWN, "git config can name programs git runs later (core.fsmonitor, core.pager,"
                        + " alias.x='!command')");
            } else if (gitShortOption(command, rest)) {
                raise(StatementClass.UNKNOWN, "git " + command + " is told to run a command (or its editor)");
            } else if (gitStartsEditor(command, rest)) {
                raise(StatementClass.UNKNOWN, "git " + command + " starts an editor, which runs commands typed into it");
            }
        }

        /**
         * Where a git command writes: the repository and working tree it runs in ({@code git -C /etc
         * checkout -- sudoers} writes {@code /etc/sudoers} where {@code /etc} is a repository, as
         * etckeeper makes it), unless it only reads; and the directory or file a command names
         * ({@code git clone URL /etc/x}, {@code git init DIR}, {@code git worktree add DIR},
         * {@code git bundle create FILE}). Until 2026-12-07 each was a write wherever it landed.
         */
        private void gitWrites(String command, List<Word> after) {
            if (!GIT_READS.contains(command)) {
                written(new Word(".", false, false), "git " + command + " writes the repository and working tree it runs in");
            }
            List<Word> operands = operands(after);
            List<Word> named = switch (command) {
                case "clone" -> operands.size() >= 2 ? operands.subList(1, operands.size()) : List.of();
                case "init" -> operands;
                case "worktree", "bundle" -> operands.isEmpty() || !Set.of("add", "create").contains(operands.getFirst().text())
                        ? List.of() : operands.subList(1, operands.size());
                default -> List.of();
            };
            named.forEach(w -> written(w, "git " + command));
        }

        /**
         * Whether a git command writes files of its working tree from commits, a patch or a stash: a
         * tree rooted at the home directory then gets the names they hold ({@code .bashrc},
         * {@code .ssh/authorized_keys}), which a {@code git pull} from a repository the caller pushed
         * to, or set as a remote, chooses.
         */
        private static boolean updatesWorkTree(String command, List<Word> after) {
            List<String> rest = after.stream().map(Word::text).toList();
            return switch (command) {
                case "pull", "merge", "checkout", "switch", "am", "rebase", "cherry-pick", "revert", "sparse-checkout" -> true;
                case "reset" -> anyLongOption(after, "--hard", "--merge", "--keep");
                case "restore" -> !(shortOption(rest, 'S') || anyLongOption(after, "--staged")) || shortOption(rest, 'W')
                        || anyLongOption(after, "--worktree");
                case "apply" -> !anyLongOption(after, "--cached", "--check", "--stat", "--numstat", "--summary")
                        || anyLongOption(after, "--apply", "--index");
                case "stash" -> rest.stream().filter(a -> !a.startsWith("-")).findFirst()
                        .map(sub -> !Set.of("list", "show", "create", "store", "drop", "clear").contains(sub)).orElse(true);
                default -> false;
            };
        }

        /**
         * Whether a repository git finds from {@code directory} (it looks there, then in each directory
         * above) may have the home directory in its working tree: the home itself or any directory in it,
         * {@code /root}, any {@code /home/NAME}, the directories above them, or a directory the gateway
         * cannot place.
         */
        private static boolean mayHoldTheHome(String directory) {
            return directory == null || directory.equals(HOME) || directory.startsWith(HOME)
                    || directory.matches("/|/home/?|/root(/.*)?|/home/[^/]+(/.*)?");
        }

        /** Whether a short option is given, alone or in a cluster ({@code -fdn}). */
        private static boolean shortOption(List<String> args, char letter) {
            return args.stream().anyMatch(a -> a.startsWith("-") && !a.startsWith("--") && a.indexOf(letter) > 0);
        }

        private static List<String> texts(List<Word> args) {
            return args.stream().map(Word::text).toList();
        }

        /**
         * Whether sysctl only reads: its options are the reading ones (however clustered) and no
         * operand assigns. Anything else may load or write parameters: {@code -w}, {@code -p FILE}
         * and its alias {@code -f}, clustered ({@code -qp}) or attached ({@code -p/tmp/x}),
         * {@code --load}, {@code --system}, {@code NAME=VALUE}; an expansion may be any of them.
         */
        private static boolean sysctlReads(List<Word> args) {
            for (Word arg : args) {
                String text = arg.text();
                boolean reads = text.startsWith("--") ? SYSCTL_READ_OPTIONS.stream().anyMatch(o -> longOption(text, o))
                        : text.startsWith("-") ? text.matches("-[aAXnNeqbdhVr]+") : !text.contains("=");
                if (!arg.literal() || !reads) {
                    return false;
                }
            }
            return true;
        }

        /**
         * {@code set -k} (or {@code -o keyword}) makes every {@code NAME=VALUE} word of a later command
         * part of its environment rather than an argument: {@code set -k; ls LD_PRELOAD=/tmp/x.so} loads
         * a library into {@code ls}. Options the gateway cannot read (an expansion) may be it.
         */
        private void setOptions(List<Word> args) {
            raise(StatementClass.SESSION, "set");
            for (int i = 0; i < args.size(); i++) {
                Word arg = args.get(i);
                String text = arg.text();
                if (text.equals("--") || text.equals("-")) {
                    return; // what follows is the positional parameters
                }
                boolean namesAnOption = text.matches("[-+][a-zA-Z]*o") && i + 1 < args.size();
                if (!arg.literal() || text.matches("[-+][a-zA-Z]*k[a-zA-Z]*") || namesAnOption
                        && (!args.get(i + 1).literal() || args.get(i + 1).text().equals("keyword"))) {
                    raise(StatementClass.UNKNOWN, KEYWORD_REASON);
                    return;
                }
                if (!text.startsWith("-") && !text.startsWith("+")) {
                    return; // the positional parameters
                }
                if (namesAnOption) {
                    i++; // set -o pipefail: the option's name
                }
            }
        }

        /** Short options that name a program: {@code rebase -x CMD}, {@code grep -O[PAGER]}, {@code clone -u}, also clustered. */
        private static boolean gitShortOption(String command, List<String> rest) {
            String letters = switch (command) {
                case "rebase" -> "xi";
                case "grep" -> "O";
                case "clone" -> "uc";
                case "ls-remote" -> "u";
                case "add", "checkout", "reset", "restore", "stash", "commit" -> "pie";
                case "cherry-pick", "merge", "am" -> command.equals("am") ? "i" : "e";
                default -> "";
            };
            return rest.stream().filter(a -> a.startsWith("-") && !a.startsWith("--"))
                    .anyMatch(a -> a.chars().skip(1).anyMatch(c -> letters.indexOf(c) >= 0))
                    || rest.stream().anyMatch(a -> longOption(a, "--interactive") || longOption(a, "--patch")
                    || longOption(a, "--edit"));
        }

        /** Whether git starts the editor for a message: a commit, annotated tag or revert not given one. */
        private static boolean gitStartsEditor(String command, List<String> rest) {
            boolean message = rest.stream().anyMatch(a -> a.matches("-[a-zA-Z]*[mFC].*") || a.startsWith("--message")
                    || a.startsWith("--file") || a.startsWith("--reuse-message") || a.equals("--no-edit")
                    || a.startsWith("--fixup") && !a.contains("amend:") && !a.contains("reword:"));
            return switch (command) {
                case "commit" -> !message;
                case "revert" -> rest.stream().noneMatch(a -> a.equals("--no-edit") || a.equals("-n")
                        || a.equals("--no-commit")); // revert's -m is a parent's number, not a message
                case "tag" -> !message && rest.stream().anyMatch(a -> a.matches("-[a-zA-Z]*[asu].*")
                        || a.equals("--annotate") || a.equals("--sign") || a.startsWith("--local-user"));
                case "notes" -> !message && rest.stream().anyMatch(a -> a.equals("add") || a.equals("append")
                        || a.equals("edit"));
                case "replace" -> rest.contains("--edit");
                default -> false;
            };
        }

        /** Options that name a program or command for {@code name} to run: the line runs what the gateway cannot see. */
        private void runsNamedProgram(String name, List<Word> args, String... options) {
            List<Word> programs = optionValues(args, options);
            if (!programs.isEmpty()) {
                raise(StatementClass.UNKNOWN, name + " is told to run another program (" + String.join(", ", options)
                        + ")");
                programs.forEach(this::readAsLine); // split --filter='rm -rf d' runs rm
            }
        }

        /**
         * {@code date} shows the time, or sets the clock: with {@code -s}/{@code --set}, or with an
         * operand that is not a {@code +FORMAT} ({@code date 010100002030}).
         */
        private void date(List<Word> args) {
            boolean sets = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i).text();
                if (arg.equals("-d") || arg.equals("-f") || arg.equals("-r") || arg.indexOf('=') < 0 && (longOption(arg,
                        "--date") || longOption(arg, "--file") || longOption(arg, "--reference"))) {
                    i++; // the option's value
                } else if (longOption(arg, "--set") || arg.matches("-[uR]*s.*")) {
                    sets = true;
                } else if (!arg.startsWith("-") && !arg.startsWith("+")) {
                    sets = true;
                }
            }
            raise(sets ? StatementClass.DANGEROUS_ADMIN : StatementClass.READ,
                    sets ? "date sets the system clock" : "date reads");
        }

        /** A read program given an option its table does not hold, which may write or change the host: unknown. */
        private void unreadOptions(String name, ProgramOptions options, List<Word> args) {
            if (!options.read(args).known()) {
                raise(StatementClass.UNKNOWN, name + " is given an option the gateway does not read as a read (or one"
                        + " only known once expanded)");
            }
        }

        private void optionTarget(String name, List<Word> args, String... options) {
            raise(StatementClass.READ, name + " reads");
            optionValues(args, options).forEach(w -> written(w, name));
        }

        private void changeDirectory(List<Word> operands) {
            if (operands.isEmpty()) {
                cwd = HOME;
                return;
            }
            Word target = operands.getFirst();
            cwd = target.literal() && !target.text().equals("-") ? absolute(target.text()) : null;
            if (cwd != null && !cwd.startsWith("/")) {
                cwd = cwd.equals(HOME) || cwd.startsWith(HOME + "/") ? cwd : null;
            }
        }

        private void env(List<Word> args, int depth, boolean argumentsUnknown) {
            int i = 0;
            while (i < args.size()) {
                Word word = args.get(i);
                String text = word.text();
                if (text.startsWith("--") && text.length() > 2) {
                    i += envLongOption(text) ? 2 : 1;
                } else if (text.startsWith("-")) {
                    i += envShortOptions(text) ? 2 : 1; // a lone - is -i
                } else if (assignment(word)) {
                    i++;
                } else {
                    break;
                }
            }
            if (i < args.size()) {
                program(args.subList(i, args.size()), depth, argumentsUnknown);
            } else {
                raise(StatementClass.READ, "env prints the environment");
            }
        }

        /**
         * One of env's long options ({@code --split-string=...}, {@code --chdir DIR}, abbreviated as
         * getopt allows: {@code --split=...}); whether its value is the next word.
         */
        private boolean envLongOption(String option) {
            int equals = option.indexOf('=');
            String name = equals < 0 ? option : option.substring(0, equals);
            boolean splits = longOption(option, "--split-string");
            boolean moves = longOption(option, "--chdir");
            boolean unsets = longOption(option, "--unset");
            if (splits || moves) {
                raise(StatementClass.UNKNOWN, "env " + name + " changes how the command is read or where it runs");
            }
            return equals < 0 && (splits || moves || unsets);
        }

        /**
         * A cluster of env's short options: {@code -u NAME}, {@code -C DIR} and {@code -S STRING} take
         * the rest of the word as their value ({@code -iS'rm -rf d'}) or, when it ends there, the next
         * word; whether the next word is a value.
         */
        private boolean envShortOptions(String cluster) {
            for (int at = 1; at < cluster.length(); at++) {
                char letter = cluster.charAt(at);
                if (letter == 'S' || letter == 'C' || letter == 'u') {
                    if (letter != 'u') {
                        raise(StatementClass.UNKNOWN, "env -" + letter + " changes how the command is read or where it runs");
                    }
                    return at == cluster.length() - 1;
                }
            }
            return false;
        }

        private void wrapped(String name, List<Word> args, int depth, boolean argumentsUnknown) {
            Set<String> withValue = WRAPPERS.get(name);
            int i = 0;
            while (i < args.size() && args.get(i).text().startsWith("-")) {
                i += valueFollows(args.get(i).text(), withValue) ? 2 : 1;
            }
            if (name.equals("timeout") && i < args.size()) {
                i++; // the duration
            }
            if (i < args.size()) {
                program(args.subList(i, args.size()), depth, argumentsUnknown);
            } else {
                raise(StatementClass.READ, name);
            }
        }

        /**
         * Whether the word after {@code option} is its value. Short options cluster ({@code time -ao FILE},
         * {@code xargs -0I NAME}): the cluster takes the next word when its last letter is one that takes a
         * value; read otherwise, the value would be taken for the program that runs.
         */
        private static boolean valueFollows(String option, Set<String> withValue) {
            if (option.startsWith("--")) {
                return option.indexOf('=') < 0 && withValue.stream().anyMatch(v -> longOption(option, v));
            }
            if (option.length() < 2) {
                return withValue.contains(option);
            }
            for (int at = 1; at < option.length(); at++) {
                if (withValue.contains("-" + option.charAt(at))) {
                    return at == option.length() - 1;
                }
            }
            return false;
        }

        private void xargs(List<Word> args, int depth) {
            // --eof, --replace and --max-lines take a value only after '=' (their short forms -e, -i, -l only attached).
            Set<String> withValue = Set.of("-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a", "--arg-file", "--delimiter",
                    "--max-args", "--max-procs", "--max-chars");
            int i = 0;
            while (i < args.size() && args.get(i).text().startsWith("-")) {
                i += valueFollows(args.get(i).text(), withValue) ? 2 : 1;
            }
            if (i < args.size()) {
                program(args.subList(i, args.size()), depth, true);
            } else {
                raise(StatementClass.READ, "xargs echo");
            }
        }

        private void shell(String name, List<Word> args, int depth) {
            for (int i = 0; i < args.size(); i++) {
                String text = args.get(i).text();
                if (text.startsWith("-") && !text.startsWith("--") && text.indexOf('c') > 0 && i + 1 < args.size()) {
                    Word script = args.get(i + 1);
                    if (!script.literal()) {
                        unnamedProgram(name + " -c runs a script only known once the shell expands " + script.unread());
                        return;
                    }
                    String saved = cwd;
                    line(script.text(), cwd, depth + 1);
                    cwd = saved;
                    return;
                }
            }
            raise(StatementClass.UNKNOWN, name + " runs commands the gateway cannot see (a script or its input)");
        }

        private void find(List<Word> args, int depth) {
            raise(StatementClass.READ, "find lists files");
            for (int i = 0; i < args.size(); i++) {
                String text = args.get(i).text();
                switch (text) {
                    case "-exec", "-execdir", "-ok", "-okdir" -> {
                        int end = i + 1;
                        while (end < args.size() && !args.get(end).text().equals(";") && !args.get(end).text().equals("+")) {
                            end++;
                        }
                        if (end == i + 1) {
                            raise(StatementClass.UNKNOWN, "find " + text + " without a command");
                            return;
                        }
                        program(args.subList(i + 1, end), depth, true);
                        i = end;
                    }
                    case "-delete" -> {
                        raise(StatementClass.BULK_WRITE, "find -delete removes every file it finds");
                        for (Word start : args.subList(0, startPaths(args))) {
                            written(start, "find -delete");
                            String path = start.literal() ? absolute(start.text()) : null;
                            if (path != null && path.indexOf('/', 1) < 0) {
                                raise(StatementClass.DANGEROUS_ADMIN, "find -delete under / or a top-level directory");
                            }
                        }
                    }
                    case "-fprint", "-fprint0", "-fprintf", "-fls" -> {
                        if (i + 1 < args.size()) {
                            written(args.get(i + 1), "find " + text);
                        }
                    }
                    default -> {
                    }
                }
            }
        }

        /** How many of find's first words are the paths it starts from (before its options and expression). */
        private static int startPaths(List<Word> args) {
            int count = 0;
            while (count < args.size() && !args.get(count).text().startsWith("-") && !args.get(count).text().equals("(")
                    && !args.get(count).text().equals("!")) {
                count++;
            }
            return count;
        }

        /** A file the line writes (or deletes, or changes): its class depends on where it is. */
        private void written(Word target, String by) {
            if (!target.literal()) {
                raise(StatementClass.UNKNOWN, by + " writes to a path only known once the shell expands " + target.unread());
                return;
            }
            String text = target.text();
            if (text.equals("-") || text.contains(":") && !text.startsWith("/") && !text.startsWith(".")) {
                raise(StatementClass.WRITE, by + " writes");
                return;
            }
            String path = absolute(text);
            if (path == null) {
                raise(StatementClass.UNKNOWN, by + " writes to " + text + ", a path the gateway cannot place (a relative"
                        + " path after a cd it cannot follow, or .. out of the home directory)");
                return;
            }
            // The host places the path as written: the kernel follows a link before a .. after it
            // (/tmp/lnk/../x, lnk -> /etc/ssh, is /etc/x), where the line's reading took .. away.
            String asWritten = text.startsWith("/") || text.equals(HOME) || text.startsWith(HOME + "/") ? text
                    : cwd + "/" + text;
            if (!writes.contains(asWritten) && !QUIET_DEVICES.contains(path) && !path.startsWith("/dev/fd/")) {
                writes.add(asWritten);
            }
            if (namesProgramsRunLater(path)) {
                raise(StatementClass.UNKNOWN, by + " writes " + path + ", which names programs that run later (a shell's"
                        + " start-up file, git's configuration or hooks, a program's settings)");
                return;
            }
            if (path.endsWith("/authorized_keys") || path.endsWith("/authorized_keys2") || path.contains("/.ssh/")) {
                raise(StatementClass.PRIVILEGE, by + " writes SSH keys or settings, which grant access");
            } else if (QUIET_DEVICES.contains(path) || path.startsWith("/dev/fd/")) {
                return;
            } else if (path.equals("/") || under(path, SYSTEM_DIRECTORIES)) {
                raise(StatementClass.DANGEROUS_ADMIN, by + " writes to devices, the kernel or boot files (" + path + ")");
            } else if (under(path, PRIVILEGED_DIRECTORIES)) {
                String directory = PRIVILEGED_DIRECTORIES.stream().filter(d -> under(path, List.of(d))).findFirst().orElseThrow();
                raise(StatementClass.PRIVILEGE, by + " writes under " + directory);
            } else {
                raise(StatementClass.WRITE, by + " writes files");
            }
        }

        /**
         * A file whose content names commands a later login, shell or program runs: writing one is running
         * a command the gateway never sees ({@code echo 'rm -rf ~' >> ~/.bashrc} runs at the next exec,
         * {@code core.fsmonitor} in a repository's {@code .git/config} at its next {@code git status}).
         */
        private static boolean namesProgramsRunLater(String path) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            Matcher home = HOME_DIRECTORY.matcher(path);
            String inHome = home.lookingAt() ? path.substring(home.end()) : null;
            return RUN_LATER_FILES.contains(name) || path.contains("/.git/") || path.endsWith("/.git")
                    || inHome != null && RUN_LATER_IN_HOME.stream().anyMatch(p -> p.endsWith("/")
                            // the directory itself too: cp x ~/bin writes ~/bin/x
                            ? inHome.startsWith(p) || inHome.equals(p.substring(0, p.length() - 1)) : inHome.equals(p))
                    || path.contains("/.config/") && RUN_LATER_CONFIG.stream().anyMatch(c -> (path + "/").contains("/.config/" + c));
        }

        private static boolean under(String path, List<String> directories) {
            return directories.stream().anyMatch(d -> path.equals(d) || path.startsWith(d + "/"));
        }

        /**
         * A path as an absolute one ({@code /...}) or one in the home directory ({@code ~/...});
         * null when the working directory is unknown or {@code ..} climbs out of what is known.
         */
        private String absolute(String path) {
            String base;
            String rest;
            if (path.startsWith("/")) {
                base = "";
                rest = path;
            } else if (path.equals(HOME) || path.startsWith(HOME + "/")) {
                base = HOME;
                rest = path.substring(1);
            } else if (cwd == null) {
                return null;
            } else {
                base = cwd.startsWith("/") ? "" : HOME;
                rest = (cwd.startsWith("/") ? cwd : cwd.substring(1)) + "/" + path;
            }
            List<String> segments = new ArrayList<>();
            for (String segment : rest.split("/")) {
                if (segment.isEmpty() || segment.equals(".")) {
                    continue;
                }
                if (segment.equals("..")) {
                    if (segments.isEmpty()) {
                        if (base.equals(HOME)) {
                            return null; // out of the home directory: somewhere the gateway cannot name
                        }
                        continue; // /.. is /
                    }
                    segments.removeLast();
                } else {
                    segments.add(segment);
                }
            }
            return base + "/" + String.join("/", segments);
        }

        private static List<Word> operands(List<Word> args) {
            List<Word> operands = new ArrayList<>();
            boolean optionsEnded = false;
            for (Word arg : args) {
                if (!optionsEnded && arg.text().equals("--")) {
                    optionsEnded = true;
                } else if (optionsEnded || !arg.text().startsWith("-") || arg.text().equals("-")) {
                    operands.add(arg);
                }
            }
            return operands;
        }

        /**
         * Whether {@code arg} names the long option {@code option} as getopt_long and its kin read it:
         * the whole name or a prefix of it ({@code --r} is rm's {@code --recursive}, {@code --to-c=}
         * tar's {@code --to-command=}), a value after {@code =} or not. Any prefix counts: a program
         * refuses one that is ambiguous, so counting it only ever errs towards the riskier reading.
         */
        static boolean longOption(String arg, String option) {
            if (!arg.startsWith("--") || !option.startsWith("--")) {
                return false;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            return name.length() > 2 && option.startsWith(name);
        }

        private static boolean anyLongOption(List<Word> args, String... options) {
            for (Word arg : args) {
                for (String option : options) {
                    if (longOption(arg.text(), option)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The values of options given as {@code -C dir}, {@code --directory=dir} or {@code --directory dir}. */
        private static List<Word> optionValues(List<Word> args, String... options) {
            List<Word> values = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                Word arg = args.get(i);
                String text = arg.text();
                for (String option : options) {
                    if ((text.equals(option) || longOption(text, option) && text.indexOf('=') < 0) && i + 1 < args.size()) {
                        values.add(args.get(i + 1));
                    } else if (longOption(text, option) && text.indexOf('=') > 0) {
                        values.add(new Word(text.substring(text.indexOf('=') + 1), arg.expands(), arg.globs(), arg.expansions()));
                    } else if (option.length() == 2 && text.length() > 2 && text.startsWith("-") && !text.startsWith("--")
                            && text.indexOf(option.charAt(1)) > 0) {
                        // A cluster (-sSo FILE) or an attached value (-oFILE): the rest of it, or the next word.
                        int at = text.indexOf(option.charAt(1));
                        if (at < text.length() - 1) {
                            values.add(new Word(text.substring(at + 1), arg.expands(), arg.globs(), arg.expansions()));
                        } else if (i + 1 < args.size()) {
                            values.add(args.get(i + 1));
                        }
                    }
                }
            }
            return values;
        }
    }
}
