package jsonb

import "strconv"

// pathStack is the member path of the value being read or written, for
// error messages: names joined by '.', array indexes in brackets.
type pathStack struct {
	elems []pathElem
}

type pathElem struct {
	name  string
	index int // -1 for a member name
}

func (p *pathStack) push(name string) { p.elems = append(p.elems, pathElem{name: name, index: -1}) }
func (p *pathStack) pushIndex(i int)  { p.elems = append(p.elems, pathElem{index: i}) }
func (p *pathStack) pop()             { p.elems = p.elems[:len(p.elems)-1] }
func (p *pathStack) setIndex(i int)   { p.elems[len(p.elems)-1].index = i }

func (p *pathStack) String() string {
	var b []byte
	for _, e := range p.elems {
		if e.index >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(e.index), 10)
			b = append(b, ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, e.name...)
	}
	return string(b)
}
