# statistics.NormalDist (pdf, cdf, inv_cdf over its three ranges, quantiles, overlap, zscore,
# arithmetic, from_samples), and covariance, correlation, linear_regression with their errors.
from statistics import (NormalDist, StatisticsError, correlation, covariance, linear_regression)

iq = NormalDist(100, 15)
print(iq, iq.mean, iq.median, iq.mode, iq.stdev, iq.variance)
print(iq.pdf(100), iq.pdf(130), iq.cdf(130), iq.cdf(70), iq.zscore(85))
for p in [0.5, 0.3, 0.9, 0.975, 0.999, 1e-5, 1e-12, 1e-30, 1 - 1e-9]:
    print(p, NormalDist().inv_cdf(p), iq.inv_cdf(p))
print(iq.quantiles(), [round(q, 6) for q in NormalDist(0, 2).quantiles(10)])
print(NormalDist(2.4, 1.6).overlap(NormalDist(3.2, 2.0)), NormalDist(1, 2).overlap(NormalDist(5, 2)))
temps = NormalDist.from_samples([4, 12, -3, 2, 7, 14])
print(temps, round(temps.mean, 10))
print(iq + 5, iq - 5, iq * 2, iq / 3, 2 * iq, 10 + iq, 10 - iq, -iq, +iq)
print(iq + NormalDist(10, 20), iq - NormalDist(10, 20), iq == NormalDist(100, 15), iq == 3)
print(hash(iq) == hash(NormalDist(100.0, 15.0)), len({iq, NormalDist(100, 15), NormalDist()}))
print(len(iq.samples(5, seed=42)), iq.samples(3, seed=7) == iq.samples(3, seed=7))
for bad in [lambda: NormalDist(0, -1), lambda: NormalDist(1, 0).pdf(1), lambda: NormalDist(1, 0).cdf(1),
            lambda: iq.inv_cdf(0), lambda: iq.inv_cdf(1.5), lambda: NormalDist(1, 0).inv_cdf(0.5),
            lambda: iq.overlap(3), lambda: NormalDist(1, 0).overlap(iq), lambda: NormalDist(1, 0).zscore(2),
            lambda: NormalDist.from_samples([1])]:
    try:
        print(bad())
    except (StatisticsError, TypeError) as e:
        print(type(e).__name__, e)

x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
y = [1, 2, 3, 1, 2, 3, 1, 2, 3]
z = [9, 8, 7, 6, 5, 4, 3, 2, 1]
print(covariance(x, y), covariance(z, x), covariance([1.5, 2.5, 0.25], [3.0, -1.0, 2.0]))
print(correlation(x, x), correlation(x, z), correlation(x, y))
year = [1971, 1975, 1979, 1982, 1983]
films_total = [1, 2, 3, 4, 5]
lr = linear_regression(year, films_total)
print(lr, round(lr.slope * 2019 + lr.intercept), lr.slope, lr.intercept)
slope, intercept = linear_regression([1, 2, 3], [2, 4, 6.5], proportional=True)
print(slope, intercept, linear_regression(x, z)[0])
for bad in [lambda: covariance([1], [2]), lambda: covariance([1, 2], [1]), lambda: correlation([1, 1, 1], [1, 2, 3]),
            lambda: correlation([1, 2], [3]), lambda: correlation([1], [1]), lambda: linear_regression([2, 2], [1, 2]),
            lambda: linear_regression([1], [1]), lambda: linear_regression([1, 2], [1, 2, 3])]:
    try:
        print(bad())
    except StatisticsError as e:
        print('StatisticsError', e)
from statistics import median_grouped
from fractions import Fraction
print(median_grouped([52, 52, 53, 54]), median_grouped([1, 3, 3, 5, 7], interval=1), median_grouped([1, 2, 2, 3, 4, 4, 4, 4, 4, 5]),
      median_grouped([1, 3, 3, 5, 7], interval=2), median_grouped([7]), median_grouped([2.5, 3.5, 3.5]), median_grouped([Fraction(1, 2), Fraction(3, 2)]))
for bad in [lambda: median_grouped([]), lambda: median_grouped(['a', 'b'])]:
    try:
        print(bad())
    except (StatisticsError, TypeError) as e:
        print(type(e).__name__, e)
