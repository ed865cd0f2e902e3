# logging: levels, the hierarchy, handlers, formatters in three styles, filters, adapters,
# the module-level functions; everything shown on stdout (stderr is not compared).
import logging
import sys

out = logging.StreamHandler(sys.stdout)
out.setFormatter(logging.Formatter("%(levelname)s|%(name)s|%(message)s"))
root = logging.getLogger()
root.addHandler(out)
print(root, root.level, logging.getLevelName(10), logging.getLevelName("INFO"), logging.getLevelName(25))
logging.debug("hidden %d", 1)
logging.warning("shown %s and %r", "a", "b")
logging.info("hidden")
app = logging.getLogger("app")
db = logging.getLogger("app.db")
print(db.parent is app, app.parent is root, logging.getLogger("app") is app, db.getEffectiveLevel())
app.setLevel(logging.DEBUG)
db.debug("query %(table)s", {"table": "users"})
db.info("rows=%d", 3)
print(db.isEnabledFor(logging.DEBUG), db.getEffectiveLevel(), repr(db), app.hasHandlers())
child = app.getChild("cache")
print(child.name, child.parent is app)
mid = logging.getLogger("x.y.z")
top = logging.getLogger("x")
print(mid.parent is top)
brace = logging.StreamHandler(sys.stdout)
brace.setFormatter(logging.Formatter("{levelname:<8}{name}: {message}", style="{"))
dollar = logging.StreamHandler(sys.stdout)
dollar.setFormatter(logging.Formatter("$levelname $message", style="$"))
svc = logging.getLogger("svc")
svc.propagate = False
svc.addHandler(brace)
svc.addHandler(dollar)
svc.error("failed: %s", ValueError("bad"))
dollar.setLevel(logging.CRITICAL)
svc.warning("only brace")

class NoSecrets(logging.Filter):
    def filter(self, record):
        return "secret" not in record.getMessage()

svc.addFilter(NoSecrets())
svc.error("a secret")
svc.error("public")
svc.removeFilter(svc.filters[0])
adapter = logging.LoggerAdapter(svc, {"user": "ann"})
adapter.warning("via adapter")
svc.log(45, "custom level")
logging.addLevelName(45, "SEVERE")
svc.log(45, "named level")
try:
    svc.log("x", "bad")
except TypeError as e:
    print("TypeError", e)
try:
    logging.getLogger(5)
except TypeError as e:
    print("TypeError", e)
try:
    root.setLevel("LOUD")
except ValueError as e:
    print("ValueError", e)
extra = logging.StreamHandler(sys.stdout)
extra.setFormatter(logging.Formatter("%(user)s did %(message)s"))
audit = logging.getLogger("audit")
audit.propagate = False
audit.addHandler(extra)
audit.warning("login", extra={"user": "ben"})
try:
    audit.warning("x", extra={"message": "no"})
except KeyError as e:
    print("KeyError", e)
logging.disable(logging.ERROR)
svc.error("disabled")
svc.critical("still on")
logging.disable(logging.NOTSET)
quiet = logging.getLogger("quiet")
quiet.propagate = False
quiet.addHandler(logging.NullHandler())
quiet.error("nowhere")
print(logging.WARN, logging.FATAL, logging.BASIC_FORMAT)
