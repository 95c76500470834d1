"""Shared by the actions tests."""


def input_ids(ds):
    """Every customer id of a Dataset: the customer list, the buyers and the linked respondents."""
    return (set(ds.customers["customer_id"]) | set(ds.transactions["customer_id"])
            | set(ds.survey["customer_id"].dropna()))
