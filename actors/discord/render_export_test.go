package discord

// Internals the external tests of rendering and budgets reach.
var (
	CheckLimits  = checkLimits
	RenderItem   = renderItem
	Escape       = escape
	Truncate     = truncate
	FitJoin      = fitJoin
	NameList     = nameList
	RoundETA     = roundETA
	ProgressBar  = progressBar
	Percent      = percent
	Runes        = runes
	MaxItemRunes = maxItemRunes
	PageSize     = pageSize
)
