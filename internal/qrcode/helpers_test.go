package qrcode

import (
	"fmt"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func fmtSscanf(s string, x, y, w, w2 *int) (int, error) {
	return fmt.Sscanf(s, "M%d %dh%dv1h-%d", x, y, w, w2)
}
