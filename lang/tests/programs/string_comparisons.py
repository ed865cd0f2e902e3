words = ["banana", "Apple", "cherry", "apple", "Banana"]
print(sorted(words), sorted(words, key=str.lower), min(words), max(words))
print("a" < "b", "Z" < "a", "abc" < "abd", "ab" < "abc", "" < "a", "10" < "9")
print("abc" == "abc", "a" * 3 == "aaa", "ABC".lower() == "abc")
print("apple" in words, "grape" not in words, "an" in "banana", words.index("cherry"))
