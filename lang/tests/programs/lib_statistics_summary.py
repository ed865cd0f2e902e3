# Summary statistics of a small data set, exact where CPython is exact (Fractions, ints).
import statistics
from fractions import Fraction

scores = [72, 85, 90, 66, 85, 94, 78, 85, 70, 88]
print(statistics.mean(scores), statistics.fmean(scores), statistics.median(scores))
print(statistics.median_low([1, 3, 5, 7]), statistics.median_high([1, 3, 5, 7]), statistics.median([1, 3, 5, 7]))
print(statistics.mode(scores), statistics.multimode('aabbbcccc d'), statistics.multimode([1, 1, 2, 2]))
print(statistics.variance(scores), statistics.pvariance(scores))
print(statistics.stdev(scores), statistics.pstdev(scores))
print(statistics.quantiles(scores), statistics.quantiles(scores, n=10))
print(statistics.quantiles(scores, n=4, method='inclusive'))
print(statistics.mean([Fraction(1, 3), Fraction(1, 6)]), statistics.variance([Fraction(1, 2), Fraction(3, 2), 1]))
print(statistics.mean([1.5, 2.5, 3.5]), statistics.median([2.5, 1.0]))
print(round(statistics.geometric_mean([1, 2, 4, 8]), 9), statistics.harmonic_mean([40, 60]))
print(statistics.fmean([1, 2, 3], weights=[3, 1, 1]))
for bad in [lambda: statistics.mean([]), lambda: statistics.variance([1]), lambda: statistics.median([])]:
    try:
        bad()
    except statistics.StatisticsError as e:
        print('StatisticsError:', e)
temps = {'mon': [12.5, 14.0, 13.2], 'tue': [15.1, 16.4, 15.8], 'wed': [11.0, 10.4, 12.9]}
for day, values in temps.items():
    print(day, round(statistics.mean(values), 3), round(statistics.stdev(values), 4), statistics.median(values))
print(statistics.harmonic_mean([2.5, 3, 10]), statistics.harmonic_mean([Fraction(1,2), Fraction(1,3)]), statistics.harmonic_mean([1, 3, 7, 11, 13]), statistics.harmonic_mean([0, 5]), statistics.harmonic_mean([7]))
