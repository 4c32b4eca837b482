"""A storage that runs out of space part-way through a file, as a real full disk does."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    """Writes the first KiB of every file, then fails with ENOSPC (leaving those bytes)."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read(1024))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
