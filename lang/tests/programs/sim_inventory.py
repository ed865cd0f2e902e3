inventory = {}
orders = [
    ("add", "apple", 10), ("add", "pear", 4), ("sell", "apple", 3),
    ("sell", "pear", 5), ("add", "kiwi", 7), ("sell", "plum", 1), ("sell", "apple", 7),
]
log = []
for action, item, qty in orders:
    if action == "add":
        inventory[item] = inventory.get(item, 0) + qty
        log.append(f"+{qty} {item}")
    else:
        have = inventory.get(item)
        if have is None:
            log.append(f"unknown {item}")
        elif have < qty:
            log.append(f"short {item} ({have}<{qty})")
        else:
            inventory[item] = have - qty
            if inventory[item] == 0:
                del inventory[item]
            log.append(f"-{qty} {item}")
print("\n".join(log))
print(inventory)
report = sorted(inventory.items(), key=lambda kv: kv[1], reverse=True)
for name, qty in report:
    print(f"{name:<8}{qty:>4}")
