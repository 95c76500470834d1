"""Every generated sentence of the reports, as tested functions of the computed results."""
