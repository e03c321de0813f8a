package campaign

import "testing"

func TestWithHashtags(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		tags []string
		want string
	}{
		{"Sign now", nil, "Sign now"},
		{"Sign now {link}", []string{"HousingNow", "RentStrike"}, "Sign now {link} #HousingNow #RentStrike"},
		{"  ", []string{"GreatReturnMarch"}, "#GreatReturnMarch"},
		// A tag already in the text stays where the organiser put it.
		{"Support the #greatreturnmarch today", []string{"GreatReturnMarch", "Gaza"}, "Support the #greatreturnmarch today #Gaza"},
		// #Gazans is another tag: #Gaza is still added.
		{"For #Gazans", []string{"Gaza"}, "For #Gazans #Gaza"},
		{"تضامن #غزة", []string{"غزة", "فلسطين"}, "تضامن #غزة #فلسطين"},
		{"x", []string{" ", ""}, "x"},
	} {
		if got := WithHashtags(tc.msg, tc.tags); got != tc.want {
			t.Errorf("WithHashtags(%q, %q) = %q, want %q", tc.msg, tc.tags, got, tc.want)
		}
	}
}
