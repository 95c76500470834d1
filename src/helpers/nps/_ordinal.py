"""statsmodels' ordered logit with its exact score and Hessian (private to :mod:`helpers.nps`).

``OrderedModel`` differentiates its log-likelihood numerically: every gradient costs 2 x (number
of parameters) likelihood evaluations and the Hessian for the standard errors several hundred, so
a fit on 60,000 answers took about 20 s. :class:`OrderedLogit` is the same model (same
parameterisation, likelihood, start values and results class) with the logit's closed-form first
and second derivatives, so the optimiser needs one likelihood and one gradient per step and the
standard errors come from the exact Hessian.

Parameters are statsmodels': ``(beta_1..beta_k, t_1, d_2..d_{J-1})`` with the cut points
``c_1 = t_1`` and ``c_j = c_{j-1} + exp(d_j)``. For an answer in class ``y`` the likelihood is
``P = F(u) - F(l)`` with ``u = c_{y+1} - x'beta`` and ``l = c_y - x'beta`` (``c_0 = -inf``,
``c_J = +inf``) and ``F`` the logistic cdf, whose density is ``f = F (1 - F)`` and derivative
``f' = f (1 - 2F)``. With ``a`` the gradient of ``u`` and ``b`` that of ``l`` in the parameters,

- score: ``(f(u) a - f(l) b) / P``;
- Hessian: ``(f'(u) a a' + f(u) A - f'(l) b b' - f(l) B) / P - s s'`` with ``A``, ``B`` the
  second derivatives of ``u`` and ``l`` (only ``d^2 c_j / d d_m^2 = exp(d_m)`` for ``m <= j``).
"""

from __future__ import annotations

import numpy as np
from statsmodels.miscmodels.ordinal_model import OrderedModel


class OrderedLogit(OrderedModel):
    """``OrderedModel(endog, exog, distr="logit")`` with the exact score and Hessian.

    Parameters
    ----------
    endog : pandas.Series
        Ordered categorical outcome.
    exog : pandas.DataFrame
        Explanatory variables (no constant).

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> y = pd.Series(pd.Categorical(np.digitize(x + rng.logistic(size=300), [-1, 1]),
    ...                              ordered=True))
    >>> m = OrderedLogit(y, pd.DataFrame({"x": x}))
    >>> p = m.start_params + 0.1
    >>> from statsmodels.tools.numdiff import approx_fprime
    >>> bool(np.allclose(m.score(p), approx_fprime(p, m.loglike), rtol=1e-5))
    True
    """

    def __init__(self, endog, exog, **kwds):
        super().__init__(endog, exog, distr="logit", **kwds)

    def _parts(self, params):
        """Per answer: P, the cdf and density terms at u and l, and the gradients a and b."""
        params = np.asarray(params, dtype=float)
        k, n_cut = self.k_vars, self.k_levels - 1
        beta, th = params[:k], params[k:]
        steps = np.exp(th[1:])
        # dc/dtheta: row j (cut point c_j, j = 0..J with c_0 = -inf, c_J = inf), column m
        jac = np.zeros((self.k_levels + 1, n_cut))
        jac[1:-1, 0] = 1.0
        for m in range(1, n_cut):
            jac[m + 1:-1, m] = steps[m - 1]
        thresh = self.transform_threshold_params(params)
        y = self.endog
        exog = self.exog
        xb = exog @ beta if k else np.zeros(self.nobs)
        if self.offset is not None:
            xb = xb + self.offset
        u, lo = thresh[y + 1] - xb, thresh[y] - xb
        with np.errstate(over="ignore"):
            fu_cdf, fl_cdf = 1 / (1 + np.exp(-u)), 1 / (1 + np.exp(-lo))
        fu, fl = fu_cdf * (1 - fu_cdf), fl_cdf * (1 - fl_cdf)
        prob = np.maximum(fu_cdf - fl_cdf, 0) + 1e-20
        return prob, (fu_cdf, fu, jac[y + 1]), (fl_cdf, fl, jac[y]), steps, y

    def score_obs(self, params):
        """Exact score of each answer, shape (nobs, number of parameters).

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series(pd.Categorical([0, 1, 2, 1, 0, 2], ordered=True))
        >>> m = OrderedLogit(y, pd.DataFrame({"x": [0.1, 0.5, 1.2, 0.3, -0.4, 0.8]}))
        >>> m.score_obs(m.start_params).shape
        (6, 3)
        """
        prob, (_, fu, ju), (_, fl, jl), _, _ = self._parts(params)
        beta_part = -((fu - fl) / prob)[:, None] * self.exog
        th_part = (fu[:, None] * ju - fl[:, None] * jl) / prob[:, None]
        return np.column_stack((beta_part, th_part))

    def score(self, params):
        """Exact gradient of the log-likelihood.

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series(pd.Categorical([0, 1, 2, 1, 0, 2], ordered=True))
        >>> m = OrderedLogit(y, pd.DataFrame({"x": [0.1, 0.5, 1.2, 0.3, -0.4, 0.8]}))
        >>> m.score(m.start_params).shape
        (3,)
        """
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        """Exact Hessian of the log-likelihood.

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series(pd.Categorical([0, 1, 2, 1, 0, 2], ordered=True))
        >>> m = OrderedLogit(y, pd.DataFrame({"x": [0.1, 0.5, 1.2, 0.3, -0.4, 0.8]}))
        >>> h = m.hessian(m.start_params)
        >>> h.shape, bool(np.allclose(h, h.T))
        ((3, 3), True)
        """
        prob, (cu, fu, ju), (cl, fl, jl), steps, y = self._parts(params)
        k = self.k_vars
        a = np.column_stack((-self.exog, ju))  # gradient of u
        b = np.column_stack((-self.exog, jl))  # gradient of l
        dfu, dfl = fu * (1 - 2 * cu), fl * (1 - 2 * cl)
        s = (fu[:, None] * a - fl[:, None] * b) / prob[:, None]
        hess = (a.T * (dfu / prob)) @ a - (b.T * (dfl / prob)) @ b - s.T @ s
        # second derivatives of the cut points: d^2 c_j / d d_m^2 = exp(d_m) for m <= j
        n_cut = self.k_levels - 1
        for m in range(1, n_cut):
            # u = c_{y+1} depends on d_m when m <= y (y+1 > m, finite), l = c_y when m < y
            in_u = (y + 1 > m) & (y + 1 <= n_cut)
            in_l = (y > m) & (y <= n_cut)
            hess[k + m, k + m] += steps[m - 1] * (
                np.sum(fu[in_u] / prob[in_u]) - np.sum(fl[in_l] / prob[in_l]))
        return hess
