# os and os.path: path names under POSIX rules, the environment, fspath.
import os
import os.path
from os.path import join, splitext
import posixpath

print(os.sep, os.pathsep, os.curdir, os.pardir, os.extsep, repr(os.linesep), os.devnull, os.name)
print(os.getenv("SLNODE_SURELY_UNSET"), os.getenv("SLNODE_SURELY_UNSET", "dflt"), os.environ.get("SLNODE_SURELY_UNSET", 1))
for p in ("", "/", "//", "///", "a", "a/", "/a/b/", "a/b/c.txt", ".bashrc", "a/.b.c", "a..b", "/x/../y/./z//w", "../a/..", "a/b/../../..", "//a//b", "./.", "c.tar.gz", "dir.d/file"):
    print(repr(p), os.path.split(p), splitext(p), os.path.basename(p), os.path.dirname(p), os.path.normpath(p), os.path.isabs(p))
print(join("a", "b", "c"), join("a/", "b"), join("a", "/b", "c"), join("", "x"), join("a", ""), os.path.join("/usr", "lib", "x.so"))
print(os.path.commonprefix(["/usr/lib", "/usr/local", "/usr/li"]), os.path.commonprefix([]), os.path.commonpath(["/usr/lib/x", "/usr/local/y", "/usr/lib"]), os.path.commonpath(["a/b", "a/c"]))
print(os.path.relpath("/a/b/c", "/a/x"), os.path.relpath("/a", "/a"), os.path.relpath("/a/b", "/"), posixpath.normpath("a//b/../c"))
class P:
    def __fspath__(self):
        return "/p/q.py"
print(os.fspath("s"), os.fspath(b"b"), os.fspath(P()), os.path.splitext(P()), os.path.join(P(), "r"))
for call in (lambda: os.path.join("a", 5), lambda: os.fspath(5), lambda: os.getenv(5), lambda: os.path.commonpath([]), lambda: os.path.commonpath(["/a", "b"]), lambda: os.path.relpath("")):
    try:
        call()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
