"""The engine's store is root's alone, as Docker's: the data root 0710
(/var/lib/docker), the run dir 0700 (/run/docker), each service's state
directory 0700. No local user can walk to a container's record or bundle
(the environment, secrets passed with -e), its log, an image's files or a
volume's data (a setuid file a container wrote into a volume would give a
local user root: CVE-2021-41091).

Every process calls own_dirs() at start, which also fixes what an older
doca made with wider modes. Only bits are taken away: a mode an operator
narrowed further is kept. The state files themselves are written 0600
(common.atomic)."""
import os
import pathlib
import stat

ROOT_MODE = 0o710
RUN_MODE = 0o700
STATE_MODE = 0o700


def _own(path: pathlib.Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    st = os.stat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{path} is not a directory")
    if st.st_uid != 0 and os.geteuid() == 0:
        os.chown(path, 0, -1)  # a directory a user made in advance is not theirs to keep
    wider = stat.S_IMODE(st.st_mode) & ~mode
    if wider:
        os.chmod(path, stat.S_IMODE(st.st_mode) & mode)


def own_dirs(cfg, service: str | None = None) -> None:
    """The data root and run dir of `cfg`, and `service`'s state dir."""
    _own(cfg.root, ROOT_MODE)
    _own(cfg.run_dir, RUN_MODE)
    if service:
        _own(cfg.state_dir(service), STATE_MODE)
