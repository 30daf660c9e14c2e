"""The demo: shops, a survey, accounts and months of history to try Counterpulse with.

No request path imports it: only the `demo` command, the tests and the benchmarks do."""
