"""Management commands: every subcommand of docker's container, image,
volume, network, system and builder groups doca has, under the group's name
(`container ls` is ps, `image rm` is rmi...), and what each group's command
refuses."""
from tests.compat.case import case

RUNNING = "run -d --network none --name %n %i sleep 60"
CREATED = "create --network none --name %n %i true"
EXITED = "run --network none --name %n %i echo out"
RM = "rm -f %n"

CASES = [
    # container
    case("container-attach-missing", "container attach nosuchctr-compat", says="no such container"),
    case("container-commit", "container commit %n %n-img:t1", setup=EXITED, cleanup=(RM, "rmi %n-img:t1")),
    case("container-cp-missing-path", "container cp %n:/nonexistent -", setup=CREATED, cleanup=RM,
         says="nonexistent"),
    case("container-create", "container create --network none --name %n %i true", cleanup=RM),
    case("container-diff", "container diff %n", setup="run --network none --name %n %i touch /added",
         cleanup=RM),
    case("container-exec", "container exec %n echo hi", setup=RUNNING, cleanup=RM),
    case("container-export-missing", "container export nosuchctr-compat", says="no such container"),
    case("container-inspect-name", "container inspect --format '{{.Name}} {{.State.Status}}' %n", setup=CREATED,
         cleanup=RM),
    case("container-inspect-image", "container inspect %i", says="no such container"),
    case("container-inspect-no-type-flag", "container inspect --type image %i", says="unknown flag: --type"),
    case("container-kill", "container kill %n", setup=RUNNING, cleanup=RM),
    case("container-logs", "container logs %n", setup=EXITED, cleanup=RM),
    case("container-list", "container list -a --format '{{.Names}} {{.Status}}' --filter name=%n", setup=EXITED,
         cleanup=RM),
    case("container-ps", "container ps -q --filter name=%n", setup=CREATED, cleanup=RM),
    case("container-ls-extra", "container ls extra", says="accepts no arguments"),
    case("container-pause-unpause", "container unpause %n", setup=(RUNNING, "container pause %n"), cleanup=RM),
    case("container-pause", "container pause %n", setup=RUNNING, cleanup=RM),
    case("container-port", "container port %n", setup=RUNNING, cleanup=RM),
    case("container-rename", "container rename %n %m", setup=CREATED, cleanup=("rm -f %m", RM)),
    case("container-restart", "container restart -t 0 %n", setup=RUNNING, cleanup=RM),
    case("container-rm", "container rm %n", setup=CREATED, cleanup=RM),
    case("container-run", "container run --rm --network none %i echo hi"),
    case("container-run-exit-code", "container run --rm --network none %i sh -c 'exit 7'"),
    case("container-run-no-image", "container run", says="requires at least 1 argument"),
    case("container-start", "container start -a %n", setup=EXITED, cleanup=RM),
    case("container-stop", "container stop -t 0 %n", setup=RUNNING, cleanup=RM),
    case("container-top-missing", "container top nosuchctr-compat", says="no such container"),
    case("container-update", "container update --cpu-shares 512 %n", setup=CREATED, cleanup=RM),
    case("container-wait", "container wait %n", setup=("create --network none --name %n %i sh -c 'exit 3'",
                                                      "start %n"), cleanup=RM),
    case("container-stats-missing", "container stats --no-stream nosuchctr-compat", says="no such container"),
    case("container-unknown-flag", "container ls --nosuchflag", says="unknown flag: --nosuchflag"),
    # image
    case("image-build-no-arg", "image build", says="requires exactly 1 argument"),
    case("image-history-quiet", "image history -q --no-trunc %i"),
    case("image-import-no-arg", "image import", says="requires at least 1 argument"),
    case("image-inspect-format", "image inspect --format '{{.Os}}' %i"),
    case("image-load-missing-file", "image load -i /nonexistent-compat.tar", says="nonexistent-compat.tar"),
    case("image-list", "image list --format '{{.Repository}}:{{.Tag}}' %i"),
    case("image-ls-q-reference", "image ls -q --filter reference=%i"),
    case("image-pull-no-arg", "image pull", says="requires exactly 1 argument"),
    case("image-push-no-arg", "image push", says="requires exactly 1 argument"),
    case("image-tag-rm", "image rm %n-t:latest", setup="image tag %i %n-t:latest", cleanup="rmi %n-t:latest"),
    case("image-rmi-alias", "image rmi %n-t:latest", setup="image tag %i %n-t:latest", cleanup="rmi %n-t:latest"),
    case("image-remove-alias", "image remove %n-t:latest", setup="image tag %i %n-t:latest",
         cleanup="rmi %n-t:latest"),
    case("image-rm-missing", "image rm nosuchimage-compat", says="no such image"),
    case("image-save-no-arg", "image save", says="requires at least 1 argument"),
    case("image-tag", "image inspect -f '{{.Os}}' %n-t:v1", setup="image tag %i %n-t:v1", cleanup="rmi %n-t:v1"),
    # volume
    case("volume-create-name", "volume create %v", cleanup="volume rm -f %v"),
    case("volume-inspect-name", "volume inspect --format '{{.Name}} {{.Driver}}' %v", setup="volume create %v",
         cleanup="volume rm -f %v"),
    case("volume-list", "volume list -q --filter name=%v", setup="volume create %v", cleanup="volume rm -f %v"),
    case("volume-remove-alias", "volume remove %v", setup="volume create %v", cleanup="volume rm -f %v"),
    case("volume-prune-anonymous", "volume prune -f", setup="volume create"),
    case("volume-prune-in-use", "volume prune -f",
         setup=("volume create", "run --network none --name %n -v %v:/data %i true"), cleanup=(RM, "volume rm -f %v")),
    case("volume-prune-extra", "volume prune extra", says="accepts no arguments"),
    # network
    case("network-list", "network list --filter name=nosuchnet-compat -q"),
    case("network-remove-missing", "network remove nosuchnet-compat", says="nosuchnet-compat"),
    case("network-prune-nothing", "network prune -f"),
    case("network-disconnect-one-arg", "network disconnect onlyone", says="requires exactly 2 arguments"),
    case("network-inspect-no-arg", "network inspect", says="requires at least 1 argument"),
    case("network-rm-no-arg", "network rm", says="requires at least 1 argument"),
    # aliases named by their command in messages, as docker's
    case("image-list-two-args", "image list a b", says='image ls" requires at most 1 argument'),
    case("image-remove-no-arg", "image remove", says='image rm" requires at least 1 argument'),
    case("container-ps-extra", "container ps extra", says='container ls" accepts no arguments'),
    case("volume-remove-no-arg", "volume remove", says='volume rm" requires at least 1 argument'),
    case("network-list-extra", "network list extra", says='network ls" accepts no arguments'),
    # prune's question answered no (or not at all): nothing removed, exit 0
    # (stdout: docker 20.10 still prints a total of 0B, 28 does not)
    case("container-prune-answer-no", "container prune", stdin="n\n", ignore="stdout"),
    case("volume-prune-answer-no", "volume prune", stdin="", ignore="stdout"),
    # Docker's flags that change nothing in doca, accepted
    case("build-noop-flags", "build -q --rm --force-rm --compress --disable-content-trust -t %n-b -",
         stdin="FROM busybox:latest\n", cleanup="rmi %n-b"),
    case("pull-disable-content-trust", "pull --disable-content-trust 127.0.0.1:9/nosuchimage-compat:latest"),
    case("image-push-disable-content-trust", "image push --disable-content-trust 127.0.0.1:9/nosuchimage-compat:1",
         says="nosuchimage-compat"),
    # system, builder
    case("system-info-format", "system info --format '{{.OSType}}'"),
    case("system-events-past", "system events --since 1 --until 2"),
    case("system-unknown-flag", "system df --nosuchflag", says="unknown flag: --nosuchflag"),
    case("builder-prune-extra", "builder prune extra", says="accepts no arguments"),
    case("builder-build-no-arg", "builder build", says="requires exactly 1 argument"),
    case("builder-unknown-sub", "builder nosuchsub"),
]
