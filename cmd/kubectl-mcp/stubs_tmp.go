package main

import "io"

func runDoctor(args []string, stdout, stderr io.Writer) int { return 2 }
func runTools(args []string, stdout, stderr io.Writer) int  { return 2 }
