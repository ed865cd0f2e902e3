"""Each frequency bin of a signal's discrete Fourier transform is a task: the signal travels as a
bytearray of samples, each bin comes back as a complex. The magnitudes of the bins of one
period of 0, 1, 0, -1 repeated: [0, 0, 4, 0, 0, 0, 4, 0]."""
import cmath
import rt


def bin_of(f, samples):
    n = len(samples)
    return sum((s - 1) * cmath.exp(-2j * cmath.pi * k * f / n) for k, s in enumerate(samples))


def main():
    samples = bytearray([1, 2, 1, 0, 1, 2, 1, 0])
    bins = rt.map_spawn(bin_of, range(len(samples)), extra_args=(samples,))
    return [round(abs(b.wait()), 9) for b in bins]
