"""Update bundles between laptops and the master: the file (`bundle`), sending, receiving, the
merge rules (`apply`), conflicts, and publishing/refreshing copies (`copies`). Format:
docs/bundle-format.md."""
