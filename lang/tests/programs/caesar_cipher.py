def shift(text, k):
    out = []
    for ch in text:
        if ch.isalpha():
            base = ord("A") if ch.isupper() else ord("a")
            out.append(chr((ord(ch) - base + k) % 26 + base))
        else:
            out.append(ch)
    return "".join(out)
msg = "Hello, World! Attack at dawn."
enc = shift(msg, 3)
print(enc, shift(enc, -3) == msg)
freq = {}
for ch in enc.lower():
    if ch.isalpha():
        freq[ch] = freq.get(ch, 0) + 1
print(max(freq, key=freq.get), sorted(freq.items())[:5])
