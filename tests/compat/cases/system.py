"""version, info, system df, network ls (what a dockerd with --bridge none has)."""
from tests.compat.case import case

CASES = [
    case("version-client-api", "version --format '{{.Client.APIVersion}}'", ignore="stdout"),
    case("version-server-os", "version --format '{{.Server.Os}}/{{.Server.Arch}}'"),
    case("version-bad-template", "version --format '{{.Nope'", says="template"),
    case("info-os-type", "info --format '{{.OSType}}'"),
    case("info-containers", "info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}}'",
         setup="create --network none --name %n %i true", cleanup="rm -f %n"),
    case("info-images", "info --format '{{.Images}}'"),
    case("info-cgroup-version", "info --format '{{.CgroupVersion}}'"),
    case("system-df-format", "system df --format '{{.Type}}'"),
    case("system-df-header", "system df"),
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
