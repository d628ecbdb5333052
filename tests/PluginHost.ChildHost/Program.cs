// Placeholder: replaced by the child host.
return 1;
