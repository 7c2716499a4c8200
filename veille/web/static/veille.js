// Veille IA — améliorations communes à toutes les pages (facultatives : tout
// fonctionne sans JavaScript). La boîte de tri a son propre script, inbox.js.
