package io.meanstream.trainer.gate;

/**
 * Exact binomial tails and Clopper-Pearson bounds, in log space so that thousands of trials neither
 * underflow nor lose precision. Bounds are found by bisection on the monotone tails (60 halvings: below
 * 1e-15).
 */
final class Binomial {

    private Binomial() {
    }

    /** P(X >= k) for X ~ Binomial(n, p). */
    static double upperTail(int k, int n, double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        return tail(k, n, n, p);
    }

    /** P(X <= k) for X ~ Binomial(n, p). */
    static double lowerTail(int k, int n, double p) {
        if (k >= n) {
            return 1;
        }
        if (k < 0) {
            return 0;
        }
        return tail(0, k, n, p);
    }

    /** One-sided lower Clopper-Pearson bound for p after k of n at level alpha: P(X >= k; n, bound) = alpha. */
    static double lowerBound(int k, int n, double alpha) {
        if (k == 0) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (upperTail(k, n, mid) < alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** One-sided upper Clopper-Pearson bound for p after k of n at level alpha: P(X <= k; n, bound) = alpha. */
    static double upperBound(int k, int n, double alpha) {
        return 1 - lowerBound(n - k, n, alpha);
    }

    /** P(from <= X <= to), summing the pmf with log-sum-exp. */
    private static double tail(int from, int to, int n, double p) {
        if (p <= 0) {
            return from == 0 ? 1 : 0;
        }
        if (p >= 1) {
            return to == n ? 1 : 0;
        }
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[to - from + 1];
        double logChoose = logChoose(n, from);
        for (int k = from; k <= to; k++) {
            if (k > from) {
                logChoose += Math.log((double) (n - k + 1) / k);
            }
            terms[k - from] = logChoose + k * logP + (n - k) * logQ;
            max = Math.max(max, terms[k - from]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return Math.min(1, Math.exp(max + Math.log(sum)));
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= Math.min(k, n - k); i++) {
            s += Math.log((double) (n - Math.min(k, n - k) + i) / i);
        }
        return s;
    }
}
