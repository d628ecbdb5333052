// Placeholder: replaced by the plugin-host command line.
return 1;
