"""What to do with each customer: buyer types, the joined facts, the playbook, and the CRM export.

The three frameworks answer different questions (what customers say, where they stand, what they
are worth); the playbook turns their combination into one primary action per customer. Rules are
data: the playbook is an editable YAML file, and buyer-type rules live in
``helpers.frameworks.BUYER_TYPE_RULES``; both are matched by the one rule engine.

Submodules:

- :mod:`helpers.actions.rules`     the rule engine: :func:`match_rules` and
                                   :func:`describe_conditions` (the condition syntax is there)
- :mod:`helpers.actions.buyers`    :func:`buyer_types` (price, value, relationship buyer, poker player)
- :mod:`helpers.actions.playbook`  :func:`load_playbook`, :func:`apply_playbook`,
                                   :func:`playbook_table`, :data:`DEFAULT_PLAYBOOK`,
                                   :data:`PLAYBOOK_FIELDS`
- :mod:`helpers.actions.facts`     one fact provider per framework (:func:`lifecycle_facts`,
                                   :func:`relationship_facts`, :func:`nps_facts`,
                                   :func:`buyer_facts`, :func:`listed_facts`), their join
                                   :func:`customer_facts`, and the value split
                                   (:func:`value_threshold`)
- :mod:`helpers.actions.strategy`  the playbook against the frameworks' strategies:
                                   :func:`strategy_check`, :func:`strategy_conflicts`,
                                   :func:`strategy_exceptions`, :func:`check_rule_fields`, and the
                                   win-back threshold (:func:`winback_threshold`)
- :mod:`helpers.actions.view`      :func:`customer_view` (the per-customer action table of a run;
                                   the config keys it reads are listed there),
                                   :func:`predicted_profit_by_action`, :func:`call_list`
- :mod:`helpers.actions.export`    the CRM file: :func:`export_actions`,
                                   :func:`export_customer_actions`, :func:`pseudonymise`,
                                   :func:`pseudonymise_key`, :func:`neutralise_formulas`
"""

from helpers.actions.buyers import buyer_types
from helpers.actions.export import (EXPORT_COLUMNS, EXPORT_SEGMENTS, FORMULA_PREFIXES, KEY_ENV,
                                    export_actions, export_customer_actions, neutralise_formulas,
                                    pseudonymise, pseudonymise_key)
from helpers.actions.facts import (DEFAULT_VALUE_SPLIT, FACT_COLUMNS, FACT_TYPES, VALUE_LEVELS,
                                   buyer_facts, customer_facts, latest_answers, lifecycle_facts,
                                   listed_facts, nps_facts, relationship_facts, value_threshold)
from helpers.actions.playbook import (DEFAULT_PLAYBOOK, PLAYBOOK_FIELDS, apply_playbook, load_playbook,
                                      playbook_table)
from helpers.actions.rules import describe_conditions, match_rules
from helpers.actions.strategy import (DEFAULT_WINBACK_MIN_VALUE, STRATEGY_SEGMENTS, check_rule_fields,
                                      strategy_check, strategy_conflicts, strategy_exceptions,
                                      winback_threshold)
from helpers.actions.view import ACTIONS_SETTINGS, call_list, customer_view, predicted_profit_by_action

__all__ = ["match_rules", "buyer_types", "load_playbook", "apply_playbook", "pseudonymise",
           "export_actions", "DEFAULT_PLAYBOOK", "DEFAULT_VALUE_SPLIT", "KEY_ENV", "value_threshold",
           "latest_answers", "customer_facts", "customer_view", "playbook_table",
           "predicted_profit_by_action", "call_list", "pseudonymise_key", "export_customer_actions",
           "describe_conditions",
           "PLAYBOOK_FIELDS", "EXPORT_COLUMNS", "EXPORT_SEGMENTS", "VALUE_LEVELS", "FACT_COLUMNS",
           "FACT_TYPES", "ACTIONS_SETTINGS", "lifecycle_facts", "relationship_facts", "nps_facts",
           "buyer_facts", "listed_facts", "neutralise_formulas", "FORMULA_PREFIXES",
           "DEFAULT_WINBACK_MIN_VALUE", "STRATEGY_SEGMENTS", "check_rule_fields", "strategy_check",
           "strategy_conflicts", "strategy_exceptions", "winback_threshold"]
