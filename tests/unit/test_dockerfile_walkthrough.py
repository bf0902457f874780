"""One realistic Dockerfile through every step, the way the build executor
will drive the package: parse, plan, then apply each instruction of each
stage to a scope."""
from services.images.dockerfile import (Add, Copy, Healthcheck, IgnoreMatcher, Run, context_files,
                                        parse, plan)

DOCKERFILE = r"""# syntax=docker/dockerfile:1
# escape=\
ARG PYTHON=3.11
ARG BASE=python:${PYTHON}-slim

FROM ${BASE} AS deps
WORKDIR /src
COPY requirements*.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --prefix=/install -r requirements.txt

FROM deps AS test
COPY . .
RUN python -m pytest -q

FROM ${BASE}
ARG VERSION
ARG PYTHON
LABEL org.opencontainers.image.version="${VERSION:-dev}" \
      python="$PYTHON"
ENV PATH=/install/bin:$PATH \
    PYTHONPATH=/install/lib/python${PYTHON}/site-packages
COPY --from=deps /install /install
COPY --chown=app:app app/ /app/
ADD vendor.tar.gz /opt/vendor/
COPY <<-EOF /etc/app.conf
	version=${VERSION:-dev}
	EOF
RUN <<EOF
set -eu
useradd --system app
EOF
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import app"]
ENTRYPOINT ["python", "-m", "app"]
CMD ["--port", "8000"]
"""


def test_walkthrough(tmp_path):
    df = parse(DOCKERFILE)
    assert df.syntax == "docker/dockerfile:1"
    bp = plan(df, build_args={"VERSION": "1.2.3", "UNUSED": "x"})
    assert [s.label for s in bp.stages] == ["deps", "test", "2"]
    assert bp.order == (0, 2) and bp.unused_build_args == ("UNUSED",)
    final = bp.stages[2]
    assert final.base == "python:3.11-slim" and final.copies_from == (0,)

    scope = bp.scope(final, base_env=["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"])
    done = [scope.apply(i) for i in final.instructions]
    label, env = done[2], done[3]
    assert label.pairs == (("org.opencontainers.image.version", "1.2.3"), ("python", "3.11"))
    assert env.pairs == (("PATH", "/install/bin:/usr/local/bin:/usr/bin"),
                         ("PYTHONPATH", "/install/lib/python3.11/site-packages"))
    copy_deps, copy_app, add, conf, run = done[4:9]
    assert isinstance(copy_deps, Copy) and copy_deps.from_ == "deps"
    assert (copy_app.chown, copy_app.sources, copy_app.dest) == ("app:app", ("app/",), "/app/")
    assert isinstance(add, Add) and add.sources == ("vendor.tar.gz",)
    assert conf.heredocs[0].content == "version=1.2.3\n" and conf.dest == "/etc/app.conf"
    assert isinstance(run, Run) and run.shell_source() == "set -eu\nuseradd --system app\n"
    assert scope.run_env()["VERSION"] == "1.2.3" and "VERSION" not in scope.env
    health = done[-3]
    assert isinstance(health, Healthcheck) and health.test == ("CMD", "python", "-c", "import app")
    assert done[-1].command.argv() == ["--port", "8000"]
    assert done[-2].command.argv() == ["python", "-m", "app"]

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("")
    (tmp_path / "app" / "main.pyc").write_text("")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    ignore = IgnoreMatcher.parse("**/*.pyc\nDockerfile\n")
    assert context_files(tmp_path, ignore) == ["app/main.py"]


def test_plain_run_shell_source():
    run = parse("FROM a\nRUN echo hi\n").instructions[1]
    assert run.shell_source() == "echo hi" and run.command.argv() == ["/bin/sh", "-c", "echo hi"]
