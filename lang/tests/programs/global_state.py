total = 0
log = []

def add(n):
    global total
    total += n
    log.append(n)

def reset():
    global total, log
    total = 0
    log = []

for i in range(5):
    add(i)
print(total, log)
reset()
add(10)
print(total, log)

CONFIG = {"debug": False}
def set_debug(flag):
    CONFIG["debug"] = flag
set_debug(True)
print(CONFIG)
