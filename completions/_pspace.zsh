#compdef pspace

_pspace_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _PSPACE_COMPLETE=complete_zsh pspace)
}

compdef _pspace_completion pspace
