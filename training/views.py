def session_list(request):
    pass
