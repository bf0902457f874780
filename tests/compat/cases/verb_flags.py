"""Every verb's flags but run/create's, as docker's (issue 12, H5): the flags
docker 28 lists that doca lacked (exec --env-file/--detach-keys, attach
--detach-keys/--sig-proxy, start --detach-keys, logs --details, rm --link,
rmi --no-prune, pull/push -a, pull --platform, build's), and the ones it
had that the task named (commit -p, load -q, system df -v, volume create,
events --until, network create/connect/disconnect)."""
from tests.compat.case import case

RUNNING = "run -d --network none --name %n %i sleep 60"
CREATED = "create --network none --name %n %i echo hi"
ECHOED = "run --network none --name %n %i sh -c 'echo out; echo err >&2'"
GONE = "rm -f %n"
DOCKERFILE = "FROM busybox:latest\n"
MISSING = "127.0.0.1:9/nosuch"

CASES = [
    # exec --env-file: a file of NAME=VALUE lines (/dev/stdin: the case's input), -e over it
    case("flags-exec-env-file", "exec --env-file /dev/stdin %n printenv A B", stdin="A=1\n# a comment\nB=two\n",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-env-file-then-e", "exec --env-file /dev/stdin -e A=9 %n printenv A", stdin="A=1\n",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-e-then-env-file", "exec -e A=9 --env-file /dev/stdin %n printenv A", stdin="A=1\n",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-env-file-empty", "exec --env-file /dev/null %n true", setup=RUNNING, cleanup=GONE),
    case("flags-exec-env-file-missing", "exec --env-file /nonexistent/env %n true", says="no such file",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-env-file-no-value", "exec %n true --env-file", setup=RUNNING, cleanup=GONE),
    case("flags-exec-env-file-needs-arg", "exec --env-file", says="flag needs an argument"),
    case("flags-exec-d-env-file", "exec -d --env-file /dev/null %n true", setup=RUNNING, cleanup=GONE),
    # exec --detach-keys: a valid sequence changes nothing without -it; a bad one is refused
    case("flags-exec-detach-keys", "exec --detach-keys ctrl-a %n echo ok", setup=RUNNING, cleanup=GONE),
    case("flags-exec-detach-keys-chars", "exec --detach-keys a,b,ctrl-@ %n echo ok", setup=RUNNING,
         cleanup=GONE),
    case("flags-exec-detach-keys-bad", "exec --detach-keys bogus %n true", says="(bogus) provided",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-detach-keys-bad-ctrl", "exec --detach-keys ctrl-1 %n true", says="provided",
         setup=RUNNING, cleanup=GONE),
    case("flags-exec-detach-keys-needs-arg", "exec --detach-keys", says="flag needs an argument"),
    # attach --detach-keys, --sig-proxy
    case("flags-attach-detach-keys-needs-arg", "attach --detach-keys", says="flag needs an argument"),
    case("flags-attach-sig-proxy-bad-value", "attach --sig-proxy=maybe %n", says="invalid argument"),
    case("flags-attach-sig-proxy-stopped", "attach --sig-proxy=false %n", says="stopped container",
         setup=CREATED, cleanup=GONE),
    case("flags-attach-detach-keys-stopped", "attach --detach-keys ctrl-a %n", says="stopped container",
         setup=CREATED, cleanup=GONE),
    case("flags-attach-sig-proxy-false-output", "attach --sig-proxy=false --no-stdin %n",
         setup="run -d --network none --name %n %i sh -c 'sleep 2; echo done'", cleanup=GONE),
    case("flags-attach-missing", "attach --sig-proxy=false nosuch-%n", says="no such container"),
    # start --detach-keys: read only when attaching
    case("flags-start-detach-keys", "start --detach-keys ctrl-a %n", setup=CREATED, cleanup=GONE),
    case("flags-start-detach-keys-bad-unattached", "start --detach-keys bogus %n", setup=CREATED, cleanup=GONE),
    case("flags-start-a-detach-keys", "start -a --detach-keys ctrl-a %n", setup=CREATED, cleanup=GONE),
    case("flags-start-detach-keys-needs-arg", "start --detach-keys", says="flag needs an argument"),
    # logs --details: no attributes (doca has no labels=/env= log options): a blank before each line
    case("flags-logs-details", "logs --details %n", setup=ECHOED, cleanup=GONE),
    case("flags-logs-details-timestamps", "logs --details -t %n", setup=ECHOED, cleanup=GONE),
    case("flags-logs-details-tail", "logs --details --tail 1 %n",
         setup="run --network none --name %n %i sh -c 'echo a; echo b'", cleanup=GONE),
    case("flags-logs-details-empty", "logs --details %n", setup="run --network none --name %n %i true",
         cleanup=GONE),
    case("flags-logs-details-missing", "logs --details nosuch-%n", says="no such container"),
    case("container-logs-details", "container logs --details %n", setup=ECHOED, cleanup=GONE),
    # rm --link: doca makes no links; a container's own name is its default link
    case("flags-rm-link-own-name", "rm --link %n", says="cannot remove the default link name",
         setup=RUNNING, cleanup=GONE),
    case("flags-rm-l-own-name", "rm -l %n", says="cannot remove the default link name", setup=RUNNING,
         cleanup=GONE),
    case("flags-rm-link-missing", "rm --link nosuch-%n", says="no such container"),
    case("flags-rm-link-alias", "rm --link %n/alias", says="no such container", setup=RUNNING, cleanup=GONE),
    case("container-rm-link", "container rm --link %n", says="cannot remove the default link name",
         setup=RUNNING, cleanup=GONE),
    # rmi --no-prune
    case("flags-rmi-no-prune", "rmi --no-prune %n:t", setup="tag %i %n:t", cleanup="rmi %n:t"),
    case("flags-rmi-no-prune-missing", "rmi --no-prune nosuch-%n:t", says="no such image"),
    case("flags-image-rm-no-prune", "image rm --no-prune %n:t", setup="tag %i %n:t", cleanup="rmi %n:t"),
    case("flags-rmi-no-prune-f", "rmi -f --no-prune %n:t", setup="tag %i %n:t", cleanup="rmi %n:t"),
    # pull/push -a, pull --platform (nothing leaves the machine: a closed registry)
    case("flags-pull-all-tags-with-tag", f"pull -a {MISSING}:t", says="tag can't be used with --all-tags/-a"),
    case("flags-pull-all-tags-long-with-tag", f"pull --all-tags {MISSING}:t",
         says="tag can't be used with --all-tags/-a"),
    case("flags-image-pull-all-tags-with-tag", f"image pull -a {MISSING}:t",
         says="tag can't be used with --all-tags/-a"),
    case("flags-push-all-tags-with-tag", f"push -a {MISSING}:t", says="tag can't be used with --all-tags/-a"),
    case("flags-push-all-tags-missing", f"push --all-tags {MISSING}", says="does not exist locally"),
    case("flags-image-push-all-tags-with-tag", f"image push -a {MISSING}:t",
         says="tag can't be used with --all-tags/-a"),
    case("flags-pull-default-tag", f"pull {MISSING}"),
    case("flags-pull-q-default-tag", f"pull -q {MISSING}"),
    case("flags-push-missing", f"push {MISSING}:t"),
    case("flags-stop-time", "stop -t 1 %n", setup=RUNNING, cleanup=GONE),
    case("flags-pull-platform-bad", f"pull --platform bogus {MISSING}", says="unknown operating system"),
    case("flags-pull-platform-amd64", f"pull --platform linux/amd64 {MISSING}:1"),
    case("flags-pull-platform-needs-arg", "pull --platform", says="flag needs an argument"),
    # build
    case("flags-build-squash", "build -q --squash -", stdin=DOCKERFILE, says="experimental"),
    case("flags-build-isolation-bad", "build -q --isolation hyperv -", stdin=DOCKERFILE,
         says="unsupported isolation"),
    case("flags-build-isolation-default", "build -q --isolation default -", stdin=DOCKERFILE),
    case("flags-build-platform-amd64", "build -q --platform linux/amd64 -", stdin=DOCKERFILE),
    case("flags-build-memory", "build -q -m 64m -", stdin=DOCKERFILE),
    case("flags-build-add-host", "build -q --add-host a:10.0.0.1 -", stdin=DOCKERFILE),
    case("flags-build-iidfile-needs-arg", "build --iidfile", says="flag needs an argument"),
    case("flags-build-cpu-shares-bad", "build -q --cpu-shares x -", stdin=DOCKERFILE, says="invalid argument"),
    # commit -p, load -q, system df -v, events --until
    case("flags-commit-pause-false", "commit --pause=false %n %n:c", setup=RUNNING, cleanup=(GONE, "rmi %n:c")),
    case("flags-commit-p-bad", "commit -p=maybe %n", says="invalid argument"),
    case("flags-load-q-missing", "load -q -i /nonexistent/image.tar", says="no such file"),
    case("flags-system-df-v", "system df -v", ignore="stdout"),
    case("flags-events-until-past", "events --since 1 --until 2"),
    case("flags-events-until-bad", "events --until nonsense", says="nonsense"),
    # volume create --label/--opt
    case("flags-volume-create-label", "volume create --label a=b %v", cleanup="volume rm %v"),
    case("flags-volume-create-label-shown", "volume inspect -f '{{json .Labels}}' %v",
         setup="volume create --label a=b --label c %v", cleanup="volume rm %v"),
    case("flags-volume-create-opt-bad", "volume create --opt nonsense %v", says="invalid", cleanup="volume rm %v"),
    case("flags-volume-create-driver-bad", "volume create -d nosuchdriver %v", cleanup="volume rm %v"),
    # network create's IPAM and options, connect and disconnect
    case("flags-network-create-attachable", "network create --attachable %n", cleanup="network rm %n"),
    case("flags-network-create-scope-local", "network create --scope local %n", cleanup="network rm %n"),
    case("flags-network-create-ipam-driver", "network create --ipam-driver default %n", cleanup="network rm %n"),
    case("flags-network-create-ip-range", "network create --subnet 10.77.0.0/16 --ip-range 10.77.1.0/24 %n",
         cleanup="network rm %n"),
    case("flags-network-create-aux-address",
         "network create --subnet 10.78.0.0/24 --aux-address a=10.78.0.5 %n", cleanup="network rm %n"),
    case("flags-network-create-opt", "network create -o com.docker.network.driver.mtu=1400 %n",
         cleanup="network rm %n"),
    case("flags-network-create-internal-label", "network inspect -f '{{.Internal}} {{json .Labels}}' %n",
         setup="network create --internal --label a=b %n", cleanup="network rm %n"),
    case("flags-network-connect-alias-missing", "network connect --alias x nosuch-%n %m",
         says="no such container"),
    case("flags-network-disconnect-f-missing", "network disconnect -f nosuch-%n %m", says="not found"),
]
