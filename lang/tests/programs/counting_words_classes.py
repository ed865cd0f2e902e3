class WordCounter:
    def __init__(self):
        self.counts = {}
    def feed(self, text):
        for word in text.lower().split():
            word = word.strip(".,!?")
            if word:
                self.counts[word] = self.counts.get(word, 0) + 1
        return self
    def top(self, n):
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    def __len__(self):
        return len(self.counts)

wc = WordCounter().feed("The cat sat. The cat ran!").feed("A dog sat, the end?")
print(len(wc), wc.top(3), wc.counts["the"])
