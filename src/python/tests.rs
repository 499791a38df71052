// replaced when the parser lands
