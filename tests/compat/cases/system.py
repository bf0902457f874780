"""version, info, system df, network ls (what a dockerd with --bridge none has)."""
from tests.compat.case import case

# The build cache emptied first: doca's builder keeps one (Build Cache in
# system df), docker 20.10's classic builder none, whatever cases built before;
# and the stopped containers a failing case of either engine may have kept.
EMPTIED = ("builder prune -af", "container prune -f")  # and no container an earlier case left

CASES = [
    case("version-client-api", "version --format '{{.Client.APIVersion}}'", ignore="stdout"),
    case("version-server-os", "version --format '{{.Server.Os}}/{{.Server.Arch}}'"),
    case("version-bad-template", "version --format '{{.Nope'", says="template"),
    case("info-os-type", "info --format '{{.OSType}}'"),
    case("info-containers", "info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}}'",
         setup="create --network none --name %n %i true", cleanup="rm -f %n"),
    case("info-images", "info --format '{{.Images}}'"),
    case("info-cgroup-version", "info --format '{{.CgroupVersion}}'"),
    case("system-df-format", "system df --format '{{.Type}}'", setup=EMPTIED),
    case("system-df-header", "system df", setup=EMPTIED),
    case("network-ls-none", "network ls --filter name=none --format '{{.Name}} {{.Driver}}'"),
    case("network-inspect-none", "network inspect -f '{{.Name}} {{.Driver}}' none"),
    case("network-inspect-missing", "network inspect nosuchnet-compat", says="no such network"),
    case("network-rm-missing", "network rm nosuchnet-compat", says="no such network"),
    case("network-connect-missing", "network connect nosuchnet-compat nosuch-compat", says="no such"),
    # batch 2
    case("info-bad-template", "info --format '{{.Nope'", says="template"),
    case("system-info-alias", "system info --format '{{.OSType}}'"),
    case("info-name", "info --format '{{.Name}}'"),
]

# -- issue 12, listing: network ls --filter (every key), --format of version, system df, info
CASES += [
    case("network-ls-filter-driver-null", "network ls --filter driver=null --format '{{.Name}}'"),
    case("network-ls-filter-type-bad", "network ls --filter type=foo", says="invalid filter"),
    case("network-ls-filter-bad-key", "network ls --filter nosuchkey=1", says="invalid filter 'nosuchkey'"),
    case("network-ls-filter-no-equals", "network ls --filter name", says="bad format of filter (expected name=value)"),
    case("network-ls-filter-id-none", "network ls -q --filter id=zzzz"),
    case("network-ls-filter-type-custom", "network ls -q --filter type=custom --filter driver=null"),
    case("network-ls-filter-type-builtin", "network ls --filter type=builtin --filter name=none --format '{{.Name}}'"),
    case("network-ls-filter-scope", "network ls --filter scope=local --filter name=none --format '{{.Name}} {{.Scope}}'"),
    case("network-ls-filter-scope-swarm", "network ls -q --filter scope=swarm"),
    case("network-ls-filter-label", "network ls -q --filter label=nosuch-compat"),
    case("network-ls-filter-name-regex", "network ls --filter name=^no --format '{{.Name}}'"),
    case("network-ls-format-bad", "network ls --format '{{.Name'", says="template parsing error"),
    case("network-rm-missing-two", "network rm nosuchnet-compat nosuchnet-compat2", says="no such network"),
    case("version-format-kernel", "version --format '{{.Server.KernelVersion}}'"),
    case("version-format-client-os", "version --format '{{.Client.Os}}/{{.Client.Arch}}'"),
    case("info-format-bad-function", "info --format '{{nosuchfunc .Name}}'", says="not defined"),
    case("system-df-format-table", "system df --format 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}'",
         setup=EMPTIED),
    case("system-df-format-reclaimable", "system df --format '{{.Type}}: {{.Reclaimable}}'", setup=EMPTIED),
    case("system-df-format-json-row", "system df --format '{{json .Type}}'"),
    case("system-df-with-container", "system df --format '{{.Type}} {{.TotalCount}} {{.Active}}'",
         setup=(*EMPTIED, "create --network none --name %n %i true"), cleanup="rm -f %n"),
    case("system-df-verbose-format", "system df -v --format '{{range .Images}}{{.Repository}}:{{.Tag}} {{end}}'"),
    case("system-df-format-bad", "system df --format '{{.Type'", says="template parsing error"),
]

# -- issue 12: the prune verbs' filters (until, label, label!)
CASES += [
    case("image-prune-bad-filter", "image prune -f --filter nosuch=1", says="invalid filter 'nosuch'"),
    case("image-prune-bad-until", "image prune -f --filter until=x",
         says='failed to parse value as time or duration: "x"'),
    case("image-prune-until", "image prune -f --filter until=24h"),
    case("image-prune-all-label-none", "image prune -af --filter label=nosuch-compat"),
    case("image-prune-all-not-label", "image prune -af --filter label!=nosuch-compat --filter label=nosuch-compat"),
    case("network-prune-bad-filter", "network prune -f --filter nosuch=1", says="invalid filter 'nosuch'"),
    case("network-prune-label-none", "network prune -f --filter label=nosuch-compat"),
    # (no case creates a network: both engines' bridges share the host, and one engine's subnet is the other's overlap)
    case("system-prune-label-none", "system prune -f --filter label=nosuch-compat"),
    case("volume-prune-bad-until", "volume prune -f --filter until=24h", says="invalid filter 'until'"),
    case("network-ls-format-unknown-field", "network ls --format '{{.Nope}}'", says="can't evaluate field nope"),
    case("system-df-format-unknown-field", "system df --format '{{.Nope}}'", says="can't evaluate field nope"),
]

# -- issue 12: events --filter and --format (a window with no events, or one with the case's own)
PAST = "--since 2000-01-01T00:00:00Z --until 2000-01-02T00:00:00Z"
RECENT = "--since 1m --until 0s"
PAUSE = "run --rm --network none %i sleep 1"  # Docker's --until 0s leaves out the events of the same second
CASES += [
    case("events-filter-unknown-key", f"events {PAST} --filter nosuch=1"),
    case("events-filter-type-unknown", f"events {PAST} --filter type=spaceship"),
    case("events-filter-no-equals", f"events {PAST} --filter x", says="bad format of filter (expected name=value)"),
    case("events-format-bad", f"events {PAST} --format '{{{{.Type'", says="unclosed action"),
    case("events-format-unknown-field", f"events {PAST} --format '{{{{.Nope}}}}'", says="can't evaluate field nope"),
    case("events-format-lower-status", f"events {PAST} --format '{{{{.status}}}}'", says="can't evaluate field status"),
    case("events-filter-volume", f"events {RECENT} --filter volume=%v --format '{{{{.Type}}}} {{{{.Action}}}}'",
         setup=("volume create %v", "volume rm %v", PAUSE)),
    case("events-filter-volume-and-event", f"events {RECENT} --filter volume=%v --filter event=destroy "
         "--format '{{.Action}} {{.Actor.ID}}'", setup=("volume create %v", "volume rm %v", PAUSE)),
    case("events-filter-container", f"events {RECENT} --filter container=%n --format '{{{{.Action}}}}'",
         setup=("create --network none --name %n %i true", "rm %n", PAUSE)),
    case("events-filter-label", f"events {RECENT} --filter label=%n=1 --format '{{{{.Type}}}} {{{{.Action}}}}'",
         setup=("create --network none --name %n --label %n=1 %i true", "rm %n", PAUSE)),
    case("events-filter-type-and-container", f"events {RECENT} --filter type=container --filter container=%n "
         "--filter event=create --format '{{.Actor.Attributes.name}}'",
         setup=("create --network none --name %n %i true", "rm %n", PAUSE)),
    case("events-filter-daemon", f"events {RECENT} --filter daemon=nosuch --filter container=%n",
         setup=("create --network none --name %n %i true", "rm %n", PAUSE)),
    case("info-format-unknown-field", "info --format '{{.Nope}}'", says="can't evaluate field nope"),
    case("version-format-unknown-field", "version --format '{{.Server.Nope}}'", says="can't evaluate field nope"),
    case("inspect-format-missing-key-typed", "volume inspect -f '[{{.Nope}}]' %v", setup="volume create %v",
         cleanup="volume rm -f %v", says="nope"),
    case("inspect-format-missing-deep-key", "inspect -f '[{{.HostConfig.Nope}}]' %n",
         setup="create --network none --name %n %i true", cleanup="rm -f %n", says="map has no entry for key"),
    case("system-df-verbose", "system df -v", setup=(*EMPTIED, "create --network none --name %n %i sh -c 'echo a b'"),
         cleanup="rm -f %n"),
]

# -- issue 12: network ls' table is Docker's four columns
CASES += [
    case("network-ls-table-none", "network ls --filter name=none"),
]
