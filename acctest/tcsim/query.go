package tcsim

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// decode fills an SDK *RequestParams struct from the request: the JSON body of a POST or the
// flattened query (Filters.0.Values.1=...) of a GET, exactly as the SDK's ReqMethod sends them.
func (rc *reqCtx) decode(into any) *APIError {
	if rc.method == "GET" {
		return decodeQuery(rc.query, into)
	}
	return decodeParams(rc.body, into)
}

func fieldName(f reflect.StructField) string {
	if n, ok := f.Tag.Lookup("name"); ok {
		return n
	}
	if j, ok := f.Tag.Lookup("json"); ok {
		return strings.Split(j, ",")[0]
	}
	return f.Name
}

func decodeQuery(q url.Values, into any) *APIError {
	v := reflect.ValueOf(into).Elem()
	known := map[string]bool{}
	for i := 0; i < v.NumField(); i++ {
		known[fieldName(v.Type().Field(i))] = true
	}
	for key := range q {
		if top, _, _ := strings.Cut(key, "."); !known[top] {
			return apiErr("UnknownParameter", "The parameter `%s` is not recognized.", key)
		}
	}
	_, e := fillStruct(v, q, "")
	return e
}

// fillStruct sets the fields of struct v present in q under prefix; it reports whether any was.
func fillStruct(v reflect.Value, q url.Values, prefix string) (bool, *APIError) {
	setAny := false
	for i := 0; i < v.NumField(); i++ {
		sf := v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		key := prefix + fieldName(sf)
		set, e := fillValue(v.Field(i), q, key)
		if e != nil {
			return false, e
		}
		setAny = setAny || set
	}
	return setAny, nil
}

func fillValue(f reflect.Value, q url.Values, key string) (bool, *APIError) {
	t := f.Type()
	switch {
	case t.Kind() == reflect.Slice:
		elem := t.Elem()
		for j := 0; ; j++ {
			n := reflect.New(elem).Elem()
			set, e := fillValue(n, q, key+"."+strconv.Itoa(j))
			if e != nil {
				return false, e
			}
			if !set {
				return j > 0, nil
			}
			f.Set(reflect.Append(f, n))
		}
	case t.Kind() == reflect.Pointer:
		n := reflect.New(t.Elem())
		set, e := fillValue(n.Elem(), q, key)
		if e != nil || !set {
			return false, e
		}
		f.Set(n)
		return true, nil
	case t.Kind() == reflect.Struct:
		return fillStruct(f, q, key+".")
	}
	if !q.Has(key) {
		return false, nil
	}
	s := q.Get(key)
	bad := func() (bool, *APIError) {
		return false, apiErr("InvalidParameter", "The parameter `%s` has the wrong type: expected %s, got %q.", key, t.Kind(), s)
	}
	switch t.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad()
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad()
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return bad()
		}
		f.SetUint(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad()
		}
		f.SetFloat(n)
	default:
		return bad()
	}
	return true, nil
}

// boolString validates a string-typed boolean parameter (ForcePoweroff, Sysprep, KeepImageLogin).
// The real API compares them case-insensitively: the Packer plugin sends "True"/"False" and the
// SDK documents "true"/"false", so accepting only "TRUE"/"FALSE" would refuse real clients.
func boolString(name string, v *string) *APIError {
	s := str(v)
	if s == "" || strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
		return nil
	}
	return invalidValue(name, s, "use true or false (any letter case)")
}
