"""The production image, built and run on a machine without a Docker engine (the image's system test uses these).

``build_image`` runs ``bin/build-image``. ``ImageRoot`` runs a command of the built image the way
a container would, where OCI runtimes cannot start containers (setting rlimits is not permitted):
the image's own filesystem (``podman image mount``) under a writable overlay, ``/proc`` and
``/dev`` bound, its command run with ``chroot --userspec`` as the image's user, in its working
directory, with exactly the image's environment plus what the test adds. The network is the
machine's: a server in the image listens on 127.0.0.1 like any local process.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .servers import PROJECT_DIR

IMAGE_TAG = "localhost/oc-lettings:system-test"


def build_image(tag: str = IMAGE_TAG) -> str:
    """Build the image with ``bin/build-image``; return its tag, or raise with the build's output."""
    result = subprocess.run(
        ["bin/build-image", tag], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"bin/build-image failed:\n{result.stdout}\n{result.stderr}")
    return tag


def podman(*args: str) -> str:
    """Run ``podman`` with ``args``; return what it printed, or raise with its error."""
    result = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def image_config(tag: str) -> dict:
    """Return the image's configuration: ``User``, ``Env``, ``Cmd``, ``WorkingDir``."""
    return json.loads(podman("image", "inspect", "--format", "{{json .Config}}", tag))


def image_history(tag: str) -> list[str]:
    """Return the command that made each layer of the image."""
    return podman("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).splitlines()


class ImageRoot:
    """The image's filesystem, mounted read-write for one test (an overlay: the image itself never changes).

    Use as a context manager; ``path`` is the root. :meth:`start` runs a command as the image's user.
    """

    def __init__(self, tag: str):
        self.tag = tag
        self.config = image_config(tag)
        self.work = Path(tempfile.mkdtemp(prefix="oc-image-root-"))
        self.path = self.work / "root"
        self.mounts: list[Path] = []
        self.processes: list[subprocess.Popen] = []
        self.image_mounted = False

    def __enter__(self) -> "ImageRoot":
        """Mount the image, the overlay on top, ``/proc`` and ``/dev``."""
        try:
            lower = podman("image", "mount", self.tag).strip()
            self.image_mounted = True
            for folder in ("upper", "overlay-work", "root"):
                (self.work / folder).mkdir()
            options = f"lowerdir={lower},upperdir={self.work / 'upper'},workdir={self.work / 'overlay-work'}"
            self._mount(["-t", "overlay", "overlay", "-o", options], self.path)
            self._mount(["-t", "proc", "proc"], self.path / "proc")
            self._mount(["--rbind", "/dev"], self.path / "dev")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _mount(self, args: list[str], target: Path) -> None:
        """Mount onto ``target`` and remember it for the unmount."""
        subprocess.run(["mount", *args, str(target)], check=True, capture_output=True, text=True)
        self.mounts.append(target)

    @property
    def user(self) -> str:
        """Return the image's ``USER`` as ``uid:gid`` (root when the image names none)."""
        user = self.config.get("User") or "0:0"
        return user if ":" in user else f"{user}:{user}"

    def env(self, **extra: str) -> dict[str, str]:
        """Return the image's environment with ``extra`` added or changed."""
        values = dict(item.split("=", 1) for item in self.config.get("Env") or [])
        return {**values, **extra}

    def command(self, args: list[str], *, as_user: str | None = None, **env: str) -> list[str]:
        """Return the command line that runs ``args`` in the image's working directory, as its user, with ``env``."""
        assignments = [f"{name}={value}" for name, value in self.env(**env).items()]
        workdir = self.config.get("WorkingDir") or "/"
        script = 'cd "$0" && exec "$@"'
        return [
            "chroot",
            f"--userspec={as_user or self.user}",
            str(self.path),
            "/usr/bin/env",
            "-i",
            *assignments,
            "/bin/sh",
            "-c",
            script,
            workdir,
            *args,
        ]

    def run(self, args: list[str], *, as_user: str | None = None, timeout: float = 300, **env: str):
        """Run ``args`` to the end in the image; return the completed process (output captured)."""
        return subprocess.run(
            self.command(args, as_user=as_user, **env), capture_output=True, text=True, timeout=timeout, check=False
        )

    def start(self, args: list[str], log_path: Path, **env: str) -> subprocess.Popen:
        """Start ``args`` (the image's ``CMD`` when empty) in its own process group, its output to ``log_path``."""
        with log_path.open("w") as log:
            process = subprocess.Popen(
                self.command(args or self.config["Cmd"], **env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        """Stop a started command and everything it started (its process group)."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def __exit__(self, *exc) -> None:
        """Stop what still runs, unmount everything, remove the overlay."""
        for process in self.processes:
            self.stop(process)
        for target in reversed(self.mounts):
            subprocess.run(["umount", "--lazy", "--recursive", str(target)], capture_output=True, check=False)
        self.mounts.clear()
        if self.image_mounted:
            with contextlib.suppress(RuntimeError):
                podman("image", "unmount", self.tag)
            self.image_mounted = False
        shutil.rmtree(self.work, ignore_errors=True)
