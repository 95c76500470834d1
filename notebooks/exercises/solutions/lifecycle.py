"""Solutions of exercises/lifecycle.ipynb, worked by hand from the purchase dates (as of 2025-06-30;
windows new 60, active 60, lapse 180 days)."""

from datetime import date

end = date(2025, 6, 30)
days_since = {"fay": (end - date(2024, 12, 20)).days}            # 192

ANSWERS = {
    # ann first bought 20 days ago; ben 29 days ago; cem 130 days ago (60 < 130 <= 180);
    # dia in 2023; eva 15 days ago after a gap of 522 days; fay 192 days ago
    "q1": {"ann": "new", "ben": "active", "cem": "at risk", "dia": "lapsed", "eva": "reactivated",
           "fay": "lapsed"},
    "q2": 3,                                                      # four purchase days
    "q3": days_since["fay"],
    # ben: 4 days, active, promoter -> advocate; cem: 2 days, not lapsed, promoter -> advocate;
    # fay has 3 days but is not active -> repeat customer
    "q4": {"ann": "first-time customer", "ben": "advocate", "cem": "advocate", "dia": "repeat customer",
           "eva": "repeat customer", "fay": "repeat customer"},
    "q5": {"x1": "Champions", "x2": "Lost", "x3": "New Customers", "x4": "Can't Lose Them",
           "x5": "Need Attention"},
    "q6": "B",
    "q7": 3,                                                      # cem (130 days) stays at risk
    "q8": "reactivated",
    "q9": "discovery",
    "q10": "at risk",
}
WRONG = {
    "q1": {"ann": "new", "ben": "active", "cem": "lapsed", "dia": "lapsed", "eva": "new", "fay": "at risk"},
    "q2": 4,                                                      # counted the first purchase too
    "q3": 323,                                                    # first to last purchase
    "q4": {"ann": "first-time customer", "ben": "client", "cem": "repeat customer",
           "dia": "repeat customer", "eva": "repeat customer", "fay": "client"},
    "q5": {"x1": "Champions", "x2": "Hibernating", "x3": "Promising", "x4": "At Risk", "x5": "Need Attention"},
    "q6": "A",
    "q7": 4,
    "q8": "new",
    "q9": "advocacy",
    "q10": "lapsed",
}
