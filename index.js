// n8n loads this package through the `n8n` block of package.json; `main` exists only for npm.
