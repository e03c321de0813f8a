package campaign

import (
	"fmt"
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	dir := os.Getenv("SCRATCH")
	if dir == "" {
		t.Skip()
	}
	s, ps := Load(dir)
	fmt.Println(ps.Error())
	if s != nil {
		for _, o := range s.Orgs {
			fmt.Println(o.Slug, o.Name, o.Language, o.Colours, len(o.Assets))
			for _, c := range o.Campaigns {
				fmt.Println("  ", c.Slug, c.Date.Format("2006-01-02"), c.Status, c.Layout, len(c.Actions))
				for _, a := range c.Actions {
					fmt.Println("     ", a.Kind, a.ID)
				}
			}
			for p, a := range o.Assets {
				fmt.Println("   asset", p, a.Hash, a.ContentType, a.Width, a.Height, len(a.Data))
			}
		}
	}
}
