"""commit -c / import -c: Dockerfile instructions (read by the Dockerfile
front end) applied to a config."""
import pytest

from common.errors import InvalidArgument
from services.images.changes import apply_all


def test_exec_and_shell_forms():
    cfg = apply_all({}, ['CMD ["echo", "a b"]', "ENTRYPOINT /bin/run --flag"])
    assert cfg["Entrypoint"] == ["/bin/sh", "-c", "/bin/run --flag"]
    assert "Cmd" not in cfg  # a new ENTRYPOINT drops the inherited CMD, as in a Dockerfile
    cfg = apply_all(cfg, ["CMD echo hi"])
    assert cfg["Cmd"] == ["/bin/sh", "-c", "echo hi"]
    assert apply_all({}, ["CMD [not json"])["Cmd"] == ["/bin/sh", "-c", "[not json"]


def test_env_label_expose_volume_workdir_user_stopsignal_onbuild():
    cfg = {"Env": ["PATH=/bin", "A=1"], "WorkingDir": "/srv"}
    apply_all(cfg, ['ENV A=2 B="two words"', "ENV C legacy form", "LABEL a=1 'b c'=d",
                    "EXPOSE 80 53/udp 8000-8010", 'VOLUME ["/data", "/logs"]', "VOLUME /more",
                    "WORKDIR app", "WORKDIR ../x", "USER 1000:1000", "STOPSIGNAL SIGINT",
                    "ONBUILD RUN make", "user nobody"])
    assert cfg["Env"] == ["PATH=/bin", "A=2", "B=two words", "C=legacy form"]
    assert cfg["Labels"] == {"a": "1", "b c": "d"}
    assert set(cfg["ExposedPorts"]) == {"80/tcp", "53/udp", "8000-8010/tcp"}
    assert set(cfg["Volumes"]) == {"/data", "/logs", "/more"}
    assert cfg["WorkingDir"] == "/srv/x"
    assert cfg["User"] == "nobody" and cfg["StopSignal"] == "SIGINT"
    assert cfg["OnBuild"] == ["RUN make"]


@pytest.mark.parametrize("change", ["", "ENV novalue",
                                    "LABEL justakey", "EXPOSE eighty", "EXPOSE 80/xyz", 'ENV A="unclosed'])
def test_refused_changes(change):
    with pytest.raises(InvalidArgument, match="invalid change"):
        apply_all({}, [change])


@pytest.mark.parametrize("change, word", [("RUN echo hi", "run"), ("FROM busybox", "from"), ("nosuch x", "nosuch")])
def test_instructions_a_change_cannot_be(change, word):
    """Docker's daemon's words, before the change is read."""
    with pytest.raises(InvalidArgument, match=f"^{word} is not a valid change command$"):
        apply_all({}, [change])


def test_variables_and_healthcheck_as_in_a_dockerfile():
    cfg = apply_all({"Env": ["BASE=/opt"]}, ["ENV APP=$BASE/app", "WORKDIR ${APP}",
                                             "HEALTHCHECK --interval=5s --retries=2 CMD curl -f localhost"])
    assert cfg["Env"] == ["BASE=/opt", "APP=/opt/app"] and cfg["WorkingDir"] == "/opt/app"
    assert cfg["Healthcheck"] == {"Test": ["CMD-SHELL", "curl -f localhost"], "Interval": 5_000_000_000,
                                  "Retries": 2}
