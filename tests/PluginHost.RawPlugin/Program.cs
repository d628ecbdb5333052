// Placeholder: replaced by the raw-protocol plugin.
return 1;
