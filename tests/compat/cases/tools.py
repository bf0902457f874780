"""build, commit, export, cp, start -a, events, networks, logs: the verbs
around a container's life that move or describe its contents."""
from tests.compat.case import case

RUN_D = "run -d --network none --name %n %i"
RM = "rm -f %n"
RMI = "rmi -f %n:b"
PAUSE = "run --rm --network none %i sleep 1"
# Dockerfiles on stdin (`build -`): no context, as a script would write them.
DF_FILE = "FROM busybox:latest\nRUN echo built > /built\n"
DF_CONFIG = ("FROM busybox:latest\nENV A=1 B=two\nWORKDIR /srv\nUSER nobody\nEXPOSE 8080/tcp\n"
             "LABEL team=core\nENTRYPOINT [\"/bin/sh\", \"-c\"]\nCMD [\"echo hi\"]\nSTOPSIGNAL SIGTERM\n")
DF_ARG = "FROM busybox:latest\nARG V=default\nRUN echo $V > /v\n"
DF_STAGES = ("FROM busybox:latest AS one\nRUN echo one > /stage\n"
             "FROM busybox:latest AS two\nRUN echo two > /stage\n")



CASES = [
    # build: exit codes and what the image holds (the classic builder's
    # progress text differs by design: -q prints only the id)
    case("build-q-stdin", "build -q -t %n:b -", stdin=DF_FILE, cleanup=RMI),
    # docker 20.10 exits with the RUN's code, docker 28 (BuildKit) with 1, as doca (DIVERGENCES.md)
    case("build-run-fails", "build -q -t %n:b -", stdin="FROM busybox:latest\nRUN exit 3\n", cleanup=RMI,
         ignore="code", says="the command '/bin/sh -c exit 3' returned a non-zero code: 3"),
    case("build-unknown-instruction", "build -q -t %n:b -", stdin="FROM busybox:latest\nNOSUCH x\n", cleanup=RMI,
         says="unknown instruction: nosuch"),
    case("build-no-from", "build -q -t %n:b -", stdin="RUN true\n", cleanup=RMI,
         says="no build stage in current context"),
    case("build-missing-base", "build -q -t %n:b -", stdin="FROM 127.0.0.1:9/nosuchbase-compat\n", cleanup=RMI,
         says="connection refused"),
    case("build-bad-tag", "build -q -t 'Bad Tag' -", stdin=DF_FILE, says="invalid reference format"),
    case("build-file-content", "run --rm --network none %n:b cat /built",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_FILE),
    case("build-config-env", "image inspect -f '{{json .Config.Env}}' %n:b", setup="build -q -t %n:b -",
         cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-config-workdir-user", "image inspect -f '{{.Config.WorkingDir}} {{.Config.User}}' %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-config-entrypoint-cmd", "image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-config-exposed", "image inspect -f '{{json .Config.ExposedPorts}}' %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-config-labels", "image inspect -f '{{json .Config.Labels}}' %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-config-stopsignal", "image inspect -f '{{.Config.StopSignal}}' %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-run-config", "run --rm --network none %n:b",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_CONFIG),
    case("build-label-flag", "image inspect -f '{{.Config.Labels.extra}}' %n:b",
         setup="build -q --label extra=yes -t %n:b -", cleanup=RMI, setup_stdin=DF_FILE),
    case("build-arg-default", "run --rm --network none %n:b cat /v",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_ARG),
    case("build-arg-given", "run --rm --network none %n:b cat /v",
         setup="build -q --build-arg V=given -t %n:b -", cleanup=RMI, setup_stdin=DF_ARG),
    case("build-target", "run --rm --network none %n:b cat /stage",
         setup="build -q --target one -t %n:b -", cleanup=RMI, setup_stdin=DF_STAGES),
    case("build-last-stage", "run --rm --network none %n:b cat /stage",
         setup="build -q -t %n:b -", cleanup=RMI, setup_stdin=DF_STAGES),
    case("build-target-missing", "build -q --target nosuch -t %n:b -", stdin=DF_STAGES, cleanup=RMI,
         says="nosuch"),
    # commit
    case("commit-file-kept", "run --rm --network none %n:c cat /made",
         setup=(f"{RUN_D} sh -c 'echo made > /made'", "wait %n", "commit %n %n:c"), cleanup=(RM, "rmi -f %n:c")),
    case("commit-change-cmd", "image inspect -f '{{json .Config.Cmd}}' %n:c",
         setup=(f"create --network none --name %n %i true", "commit --change 'CMD [\"echo\", \"x\"]' %n %n:c"),
         cleanup=(RM, "rmi -f %n:c")),
    case("commit-change-env", "image inspect -f '{{json .Config.Env}}' %n:c",
         setup=(f"create --network none --name %n %i true", "commit -c 'ENV C=3' %n %n:c"),
         cleanup=(RM, "rmi -f %n:c")),
    case("commit-message", "image inspect -f '{{.Comment}}' %n:c",
         setup=(f"create --network none --name %n %i true", "commit -m 'a message' %n %n:c"),
         cleanup=(RM, "rmi -f %n:c")),
    case("commit-author", "image inspect -f '{{.Author}}' %n:c",
         setup=(f"create --network none --name %n %i true", "commit -a 'A. Person' %n %n:c"),
         cleanup=(RM, "rmi -f %n:c")),
    case("commit-bad-change", "commit -c 'NOSUCH x' %n %n:c",
         setup=f"create --network none --name %n %i true", cleanup=(RM, "rmi -f %n:c"),
         says="nosuch is not a valid change command"),
    case("commit-bad-reference", "commit %n 'Bad Ref'",
         setup=f"create --network none --name %n %i true", cleanup=RM,
         says="invalid reference format: repository name must be lowercase"),
    # export
    case("export-missing", "export nosuch-compat", says="no such container"),
    # cp into a container, seen from inside
    case("cp-into-running", "exec %n cat /tmp/hostname-copy",
         setup=(f"{RUN_D} sleep 60", "cp /etc/hostname %n:/tmp/hostname-copy"), cleanup=RM),
    case("cp-into-created", "start -a %n",
         setup=(f"create --network none --name %n %i cat /copied", "cp /etc/hostname %n:/copied"), cleanup=RM),
    case("cp-into-missing-dir", "cp /etc/hostname %n:/nosuchdir/x",
         setup=f"create --network none --name %n %i true", cleanup=RM),
    case("cp-host-missing", "cp /nosuchfile-compat %n:/tmp/",
         setup=f"create --network none --name %n %i true", cleanup=RM,
         says=("lstat /", "nosuchfile-compat: no such file or directory")),
    # start -a: the container's output and exit code are the command's
    case("start-a-output", "start -a %n", setup=f"create --network none --name %n %i echo attached", cleanup=RM),
    case("start-a-stderr", "start -a %n", setup=f"create --network none --name %n %i sh -c 'echo e >&2'",
         cleanup=RM),
    case("start-ai-stdin", "start -ai %n", stdin="typed\n",
         setup=f"create -i --network none --name %n %i cat", cleanup=RM),
    case("start-two-prints-names", "start %n %m",
         setup=(f"create --network none --name %n %i true", f"create --network none --name %m %i true"),
         cleanup=(RM, "rm -f %m")),
    case("wait-two", "wait %n %m",
         setup=(f"create --network none --name %n %i sh -c 'exit 1'", f"create --network none --name %m %i sh -c 'exit 2'",
                "start %n %m"),
         cleanup=(RM, "rm -f %m")),
    case("rename-then-inspect", "inspect -f '{{.Name}}' %m",
         setup=(f"create --network none --name %n %i true", "rename %n %m"), cleanup="rm -f %m"),
    # events: what a container's life emitted, bounded in time (PAUSE: docker's
    # --until is second-grained, an event of the current second is left out)
    case("events-container-life", "events --since 60s --until 0s --filter container=%n "
         "--filter event=create --filter event=start --filter event=die --format '{{.Type}} {{.Action}}'",
         setup=(f"run --network none --name %n %i true", PAUSE), cleanup=RM),
    case("events-die-exit-code", "events --since 60s --until 0s --filter container=%n --filter event=die "
         "--format '{{.Status}} {{.From}} {{.Actor.Attributes.exitCode}}'",
         setup=(f"create --network none --name %n %i sh -c 'exit 7'", "start %n", "wait %n", PAUSE), cleanup=RM),
    case("events-name-attribute", "events --since 60s --until 0s --filter container=%n --filter event=create "
         "--format '{{.Actor.Attributes.name}} {{.Actor.Attributes.image}}'",
         setup=(f"create --network none --name %n %i true", PAUSE), cleanup=RM),
    case("events-label-filter", "events --since 60s --until 0s --filter label=compat=%n --filter event=create "
         "--format '{{.Action}}'",
         setup=(f"create --network none --label compat=%n --name %n %i true", PAUSE), cleanup=RM),
    case("network-create-prints-id", "network create %n", cleanup="network rm %n"),
    case("network-create-taken", "network create %n", setup="network create %n", cleanup="network rm %n",
         says="already exists"),
    case("network-inspect-driver", "network inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}}' %n",
         setup="network create %n", cleanup="network rm %n"),
    case("network-inspect-labels", "network inspect -f '{{json .Labels}}' %n",
         setup="network create --label a=b %n", cleanup="network rm %n"),
    case("network-inspect-internal", "network inspect -f '{{.Internal}}' %n",
         setup="network create --internal %n", cleanup="network rm %n"),
    case("network-inspect-containers-empty", "network inspect -f '{{json .Containers}}' %n",
         setup="network create %n", cleanup="network rm %n"),
    case("network-rm-prints-name", "network rm %n", setup="network create %n"),
    case("network-create-bad-driver", "network create -d nosuchdriver %n", cleanup="network rm %n",
         says='plugin "nosuchdriver" not found'),
    case("network-connect-none", "network connect %m %n",
         setup=("network create %m", f"{RUN_D} sleep 60"), cleanup=(RM, "network rm %m"),
         says="container cannot be connected to multiple networks with one of the networks in private (none) mode"),
    case("network-connect-missing-container", "network connect %m nosuch-compat",
         setup="network create %m", cleanup="network rm %m", says="no such container"),
    case("network-rm-in-use", "network rm %m",
         setup=("network create %m", f"run -d --network %m --name %n %i sleep 60"), cleanup=(RM, "network rm %m"),
         says="has active endpoints"),
    # named and removed after: docker 20.10 may keep the never-started container
    # (it then shows in other cases' `ps -a`)
    case("run-on-missing-network", "run --rm --name %n --network nosuch-compat %i true", cleanup=RM,
         says="network nosuch-compat not found"),
    # logs
    case("logs-n", "logs -n 2 %n", setup=(f"run --network none --name %n %i sh -c 'echo 1; echo 2; echo 3'",),
         cleanup=RM),
    case("logs-since-future", "logs --since 2099-01-01 %n",
         setup=(f"run --network none --name %n %i echo old",), cleanup=RM),
    case("logs-until-past", "logs --until 2000-01-01 %n",
         setup=(f"run --network none --name %n %i echo new",), cleanup=RM),
    case("logs-since-bad", "logs --since nonsense %n", setup=(f"create --network none --name %n %i true",),
         cleanup=RM, says='invalid value for "since": failed to parse value as time or duration: "nonsense"'),
    case("logs-created", "logs %n", setup=(f"create --network none --name %n %i echo never",), cleanup=RM),
    case("logs-stderr-only", "logs %n", setup=(f"run --network none --name %n %i sh -c 'echo e >&2'",),
         cleanup=RM),
]


# -- issue 12: a built image's parent (Docker 20.10's classic builder: the previous step's image; doca
# records the FROM image), which ps' ancestor filter walks. A fixed base name: setup_stdin takes no placeholder.
BUILT = "build -q -t %n:b -"
CASES += [
    case("image-inspect-parent-build", "image inspect -f '{{if .Parent}}set{{else}}none{{end}}' %n:b",
         setup=("create --network none --name %n %i true", "commit %n compat-parent-base:1", BUILT),
         setup_stdin="FROM compat-parent-base:1\nRUN echo built > /built\n",
         cleanup=("rm -f %n", "rmi -f %n:b", "rmi -f compat-parent-base:1")),
    case("ps-filter-ancestor-built", "ps -a --filter ancestor=compat-parent-base2:1 --format '{{.Names}}'",
         setup=("create --network none --name %n %i true", "commit %n compat-parent-base2:1", BUILT,
                "create --network none --name %m %n:b true"),
         setup_stdin="FROM compat-parent-base2:1\nLABEL built=1\n",
         cleanup=("rm -f %n %m", "rmi -f %n:b", "rmi -f compat-parent-base2:1")),
]
