"""Solutions of exercises/actions.ipynb, read by hand from data/sample/playbook.yml (lowest priority
number wins, ties to the rule listed first), the buyer-type rules and the persona glossary."""

ANSWERS = {
    # p1: fresh detractor True Friend -> priority 1; p2: stale answer, so the 48-hour rules do not
    # apply -> reward-true-friend (3); p3: promoter repeat customer -> referral (3) before the Barnacle
    # rule (4); p4: Butterfly, new -> harvest (3) before second purchase (4); p5: lapsed (5) before
    # strangers (6): below the win-back threshold, so let-lapsed-go
    "q1": {"p1": "save-true-friend-detractor", "p2": "reward-true-friend", "p3": "referral-from-promoter",
           "p4": "harvest-butterfly", "p5": "let-lapsed-go"},
    "q2": "B",
    "q3": "Account management",
    "q4": 3,                  # referral-from-promoter, check-barnacle-wallet, standard
    # b1: 80% discounted and top-decile spend; b2: 60% discounted; b3: 10% and 5 orders; b4: the rest
    "q5": {"b1": "poker player", "b2": "price buyer", "b3": "relationship buyer", "b4": "value buyer"},
    "q6": "analytical thinker",
    "q7": "skeptic",
    "q8": "indecisive",
    "q9": "B",
    "q10": "personal assistance",
}
WRONG = {
    "q1": {"p1": "close-the-loop-detractor", "p2": "close-the-loop-detractor", "p3": "check-barnacle-wallet",
           "p4": "second-purchase-for-new", "p5": "strangers-self-service"},
    "q2": "A",
    "q3": "Customer service",
    "q4": 1,
    "q5": {"b1": "price buyer", "b2": "price buyer", "b3": "relationship buyer", "b4": "value buyer"},
    "q6": "decision maker",
    "q7": "demanding",
    "q8": "chatty",
    "q9": "C",
    "q10": "automated services",
}
